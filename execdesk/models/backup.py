"""Online backups with the SQLite backup API, rotation, and restore."""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4


def backups_dir(db_path: Path) -> Path:
    d = Path(db_path).resolve().parent / "backups"
    d.mkdir(parents=True, exist_ok=True)
    return d


def backup_to(src: Path, dst: Path) -> Path:
    """Consistent copy of a live database (safe while it is open elsewhere); fsynced before returning."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(src)
    target = sqlite3.connect(tmp)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dst)
    return dst


def restore_from(backup: Path, db_path: Path) -> None:
    """Replace the database's content with the backup's (backup API: works with WAL files present)."""
    backup, db_path = Path(backup), Path(db_path)
    check = sqlite3.connect(backup)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"备份文件 {backup} 无法读取：{exc}") from exc
    finally:
        check.close()
    if result != "ok":
        raise ValueError(f"备份文件 {backup} 未通过完整性检查：{result}")
    source = sqlite3.connect(backup)
    target = sqlite3.connect(db_path)
    try:
        source.backup(target)
        target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        target.close()
        source.close()


def rotate_automatic(db_path: Path, today: date | None = None) -> Path | None:
    """Make today's automatic backup if there is none, keep 7 daily and 4 weekly (Monday) copies.

    Called after start-up in the background (it reads the whole file), never on the start-up path.
    """
    today = today or datetime.now(UTC).date()
    d = backups_dir(db_path)
    stem = Path(db_path).stem
    daily = d / f"{stem}.daily.{today:%Y-%m-%d}.sqlite3"
    made = None
    if not daily.exists():
        made = backup_to(db_path, daily)
        if today.weekday() == 0:
            backup_to(daily, d / f"{stem}.weekly.{today:%Y-%m-%d}.sqlite3")
    for kind, keep in (("daily", KEEP_DAILY), ("weekly", KEEP_WEEKLY)):
        files = sorted(d.glob(f"{stem}.{kind}.*.sqlite3"))
        for old in files[:-keep]:
            old.unlink(missing_ok=True)
            log.info("removed old backup %s", old)
    return made


def list_backups(db_path: Path) -> list[Path]:
    return sorted(backups_dir(db_path).glob("*.sqlite3"), key=lambda p: p.stat().st_mtime, reverse=True)
