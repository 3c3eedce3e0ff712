"""Schema upgrades, backups and restore (issue 2 §4; ANCHORS B5: refuse newer, back up, restore on failure)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from execdesk.models import migrate
from execdesk.models.backup import backup_to, backups_dir, restore_from, rotate_automatic
from execdesk.models.migrate import (
    DatabaseTooNewError,
    MigrationFailedError,
    current_revision,
    known_revisions,
    open_database,
)

FIXTURES = Path(__file__).parent / "fixtures"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_migration_scripts_have_a_single_head_which_is_the_builds_schema_head():
    head, revisions = known_revisions()
    assert head in revisions and "0001" in revisions
    assert head == migrate.SCHEMA_HEAD, "a new migration was added: set SCHEMA_HEAD in execdesk/models/migrate.py"


def test_migrations_build_exactly_the_schema_the_models_declare(tmp_path):
    """Every schema change has its migration: a file upgraded from nothing has the models' tables, columns
    and indexes (Alembic's own comparison finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from execdesk.models import Base

    store = open_database(tmp_path / "user.sqlite3")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        store.close()
    assert diff == []


def test_ordinary_start_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "user.sqlite3"
    open_database(db).close()
    code = ("import sys; from execdesk.models.migrate import open_database; open_database(sys.argv[1]).close(); "
            "print('alembic' in sys.modules, 'sqlalchemy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"  # neither Alembic nor the ORM: the desktop paints first


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema_*.sqlite3")))
def test_database_of_each_released_schema_upgrades_with_its_data_intact(tmp_path, fixture):
    db = tmp_path / "user.sqlite3"
    shutil.copy(FIXTURES / fixture, db)
    con = sqlite3.connect(db)
    before = {t: {r[0] for r in con.execute(f"SELECT {'local_seq' if t == 'outbox' else 'id'} FROM {t}")}
              for t in ("cases", "parties", "nodes", "payments", "audit_entries", "outbox")}
    numbers = sorted(r[0] for r in con.execute("SELECT case_number FROM cases"))
    paid = con.execute("SELECT sum(amount_fen) FROM payments WHERE case_id IN "
                       "(SELECT id FROM cases WHERE case_number='（2026）鲁0102执100号')").fetchone()[0]
    con.close()
    store = open_database(db)
    store.close()
    assert current_revision(db) == known_revisions()[0]
    con = sqlite3.connect(db)
    after = {t: {r[0] for r in con.execute(f"SELECT {'local_seq' if t == 'outbox' else 'id'} FROM {t}")}
             for t in before}
    # Every row is still there; 0004 only adds the records a node states (and the nodes a record states).
    assert all(before[t] <= after[t] for t in before)
    assert after["cases"] == before["cases"] and after["parties"] == before["parties"]
    assert after["payments"] == before["payments"]  # no amount is invented
    assert sorted(r[0] for r in con.execute("SELECT case_number FROM cases")) == numbers
    assert paid == 123456  # 1234.56 yuan in fen, exact
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    if fixture != f"schema_{known_revisions()[0]}.sqlite3":
        assert list(backups_dir(db).glob("*pre-upgrade*")), "an upgrade must leave a backup behind"


def test_ordinary_start_makes_no_backup_and_no_upgrade(tmp_path):
    db = tmp_path / "user.sqlite3"
    open_database(db).close()
    stamp = sha(db)
    open_database(db).close()
    assert not list(backups_dir(db).glob("*.sqlite3"))
    assert current_revision(db) == known_revisions()[0]
    assert sha(db) == stamp


def test_database_from_a_newer_app_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "user.sqlite3"
    open_database(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    stamp = sha(db)
    with pytest.raises(DatabaseTooNewError) as exc:
        open_database(db)
    assert "更新版本" in str(exc.value)
    assert sha(db) == stamp


def test_failing_migration_leaves_the_users_file_exactly_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "user.sqlite3"
    shutil.copy(FIXTURES / "schema_0001.sqlite3", db)
    store = open_database(db)  # bring it to today's head and use it once, as the app does (WAL mode)
    with store.read() as session:
        session.execute(__import__("sqlalchemy").text("SELECT count(*) FROM cases"))
    store.close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    head = known_revisions()[0]
    # A copy of our migrations plus one broken revision that changes things, then fails half-way.
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_broken.py").write_text(f'''
from alembic import op
import sqlalchemy as sa
revision = "9000"
down_revision = "{head}"
branch_labels = None
depends_on = None
def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("UPDATE cases SET cause = 'CORRUPTED'")
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("new_col", sa.String(10)))
    raise RuntimeError("simulated failure in the middle of a migration")
def downgrade():
    pass
''', encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    migrate.known_revisions.cache_clear()
    before_hash, before_dump = sha(db), dump(db)
    try:
        with pytest.raises(MigrationFailedError) as exc:
            open_database(db)
        assert "数据未受影响" in str(exc.value)
    finally:
        migrate.known_revisions.cache_clear()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert dump(db) == before_dump
    assert sha(db) == before_hash
    assert current_revision(db) == head
    assert list(backups_dir(db).glob("*pre-upgrade*"))


def test_backup_and_restore_round_trip(tmp_path, store, actor):
    from conftest import sample_case_input

    from execdesk.services.cases import register_case

    register_case(store, actor, sample_case_input(), today=date(2026, 6, 1))
    backup = backup_to(store.path, tmp_path / "b.sqlite3")
    register_case(store, actor, sample_case_input("（2026）鲁0102执101号"), today=date(2026, 6, 1))
    restore_from(backup, store.path)
    con = sqlite3.connect(store.path)
    assert [r[0] for r in con.execute("SELECT case_number FROM cases")] == ["（2026）鲁0102执100号"]
    con.close()


def test_restore_refuses_a_damaged_backup(tmp_path, store):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(ValueError) as exc:
        restore_from(bad, store.path)
    assert "备份文件" in str(exc.value)


def test_automatic_backups_rotate_keeping_7_daily_and_4_weekly(tmp_path, store):
    for day in range(1, 41):
        rotate_automatic(store.path, today=date(2026, 10, 1) + __import__("datetime").timedelta(days=day))
    d = backups_dir(store.path)
    assert len(list(d.glob("*.daily.*"))) == 7
    assert len(list(d.glob("*.weekly.*"))) == 4
    # The newest daily is the last day simulated.
    assert sorted(d.glob("*.daily.*"))[-1].name.endswith("2026-11-10.sqlite3")


def test_pragmas_wal_full_sync_foreign_keys(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
