"""Open the user's database and bring its schema up to date, safely (issue 2 §4, ANCHORS B5).

Ordinary start (schema already current): one tiny read of ``alembic_version``; nothing that grows with the
file. When an upgrade is due: integrity check → online backup (SQLite backup API) → upgrade in one
transaction → integrity and foreign-key check → on any failure, restore the backup and raise.
A database written by a newer ExecDesk is refused before anything is written to it.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from execdesk.models.backup import backup_to, backups_dir, restore_from
from execdesk.models.database import Store, make_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_BUILD_MIGRATIONS_DIR = MIGRATIONS_DIR

# The head revision of this build's migration scripts (tests/test_migrations.py checks it against Alembic).
# It lets an ordinary start with an up-to-date file skip importing Alembic and parsing the scripts
# (~0.16 s of the desktop start-up); anything else takes the full path below.
SCHEMA_HEAD = "0006_person_refs"


class DatabaseError(RuntimeError):
    """A problem with the database file; ``str()`` is a Chinese message for the user."""


class DatabaseTooNewError(DatabaseError):
    pass


class MigrationFailedError(DatabaseError):
    pass


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@functools.cache
def known_revisions() -> tuple[str, tuple[str, ...]]:
    """(head, all revisions) of this build. Reads the migration scripts once per process."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migration scripts have {len(heads)} heads: {heads}")
    return heads[0], tuple(rev.revision for rev in script.walk_revisions())


def current_revision(path: Path) -> str | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    con = sqlite3.connect(path)
    try:
        row = con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone()
        if row is None:
            user_tables = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()[0]
            if user_tables:
                raise DatabaseError(f"文件 {path} 不是 ExecDesk 数据库（没有版本信息），为防止损坏不予打开。")
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"无法读取数据库文件 {path}：{exc}。可用“db restore”从备份恢复。") from exc
    finally:
        con.close()


def check_integrity(path: Path, *, quick: bool = False) -> list[str]:
    """Return the problems found (empty list = healthy)."""
    con = sqlite3.connect(path)
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in con.execute(f"PRAGMA {pragma}").fetchall()]
        problems = [] if rows == ["ok"] else rows
        problems += [f"外键不一致：{r}" for r in con.execute("PRAGMA foreign_key_check").fetchall()]
        return problems
    finally:
        con.close()


def _checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _file_hash(path: Path) -> str:
    import hashlib  # only when upgrading: not on an ordinary start

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _upgrade(path: Path, target: str) -> None:
    from alembic import command

    engine = make_engine(path)
    try:
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    finally:
        engine.dispose()


def open_database(path: Path | str, *, target: str = "head") -> Store:
    """Open (creating if needed) and upgrade the database; return a ready Store."""
    path = Path(path)
    current = current_revision(path)
    if current == SCHEMA_HEAD and target == "head" and MIGRATIONS_DIR == _BUILD_MIGRATIONS_DIR:
        return Store(path)  # the common case: nothing to do, and no Alembic import
    head, revisions = known_revisions()
    if current is not None and current not in revisions:
        raise DatabaseTooNewError(
            f"数据库 {path} 由更新版本的 ExecDesk 创建（结构版本 {current}），本程序无法安全打开。"
            "请升级 ExecDesk，或用“db restore”恢复旧备份。")
    wanted = head if target == "head" else target
    if current == wanted:
        return Store(path)
    if current is None:  # new, empty file: nothing to protect
        _upgrade(path, target)
        return Store(path)

    problems = check_integrity(path)
    if problems:
        raise MigrationFailedError(
            f"升级前完整性检查未通过，未做任何修改：{problems[0]}。请用“db restore”从备份恢复后再升级。")
    _checkpoint(path)
    original_hash = _file_hash(path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = backups_dir(path) / f"{path.stem}.pre-upgrade-{current}-to-{wanted}.{stamp}.sqlite3"
    backup_to(path, backup)
    log.info("backed up %s to %s before upgrading %s → %s", path, backup, current, wanted)
    try:
        _upgrade(path, target)
        problems = check_integrity(path)
        if problems:
            raise MigrationFailedError(f"升级后完整性检查未通过：{problems[0]}")
    except Exception as exc:
        # The upgrade ran in one transaction, so normally the rollback already left the file as it was;
        # if the bytes differ all the same (non-transactional DDL), put the backup's content back.
        _checkpoint(path)
        if _file_hash(path) == original_hash:
            log.exception("upgrade failed and was rolled back; file unchanged")
            how = "升级已回滚，原文件未被修改"
        else:
            log.exception("upgrade failed; restoring %s", backup)
            restore_from(backup, path)
            how = "已从备份恢复原文件"
        raise MigrationFailedError(
            f"数据库升级失败，{how}，数据未受影响。原因：{exc}。升级前的备份位于 {backup}") from exc
    log.info("upgraded %s to %s", path, wanted)
    return Store(path)
