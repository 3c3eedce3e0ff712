"""Issue 14, item 4: the platform's schema is Alembic migrations (provincial/migrations), run on start-up
against SQLite and PostgreSQL; the migrated schema is exactly the models'; a database created by the earlier
platform (create_all, no alembic_version) is stamped and upgraded with its data kept."""

from __future__ import annotations

import os
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sync_harness import BACKENDS, PG_URL

from provincial import migrate
from provincial.models import Base, make_engine


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    schema = f"execdesk_m{os.getpid()}_{int(time.time() * 1000)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def test_start_up_migrates_to_head_and_matches_the_models(empty_db):
    engine = make_engine(empty_db)
    try:
        assert migrate.current(engine) == migrate.head()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
        assert diff == [], diff
        make_engine(empty_db).dispose()  # a second start finds the schema current and changes nothing
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()


def test_database_from_before_migrations_is_stamped_and_upgraded_keeping_data(empty_db):
    engine = make_engine(empty_db, migrate=False)
    try:
        migrate.upgrade(engine, "0001")
        with engine.begin() as conn:  # what the earlier platform left: tables and rows, no alembic_version
            conn.execute(text("DROP TABLE alembic_version"))
            conn.execute(text("INSERT INTO p_courts (code, name, last_seq, created_at) "
                              "VALUES ('鲁0102', '济南市历下区人民法院', 7, CURRENT_TIMESTAMP)"))
        assert "alembic_version" not in inspect(engine).get_table_names()
        make_engine(empty_db).dispose()
        assert migrate.current(engine) == migrate.head()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name, last_seq FROM p_courts")).all() == [("济南市历下区人民法院", 7)]
            cols = {c["name"] for c in inspect(conn).get_columns("p_changes")}
        assert "fingerprint" in cols and "p_signin_attempts" in inspect(engine).get_table_names()
        migrate.downgrade(engine, "0001")
        assert "p_signin_attempts" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_case_register_migration_keeps_the_first_of_repeated_numbers(empty_db):
    """Issue 13 (0004_case_register): 案号 become unique per court. Rows that v1 let share a number keep it on the
    first registered case; the later ones lose the number (and are re-registered by their next push)."""
    engine = make_engine(empty_db, migrate=False)
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO p_courts (code, name, last_seq, created_at) "
                              "VALUES ('鲁0102', '济南市历下区人民法院', 0, CURRENT_TIMESTAMP)"))
            for case_id, at in (("first", "2026-01-01 00:00:00"), ("later", "2026-02-01 00:00:00")):
                conn.execute(text("INSERT INTO p_cases (case_id, court_code, case_number, created_at) "
                                  "VALUES (:c, '鲁0102', '（2026）鲁0102执1号', :at)"), {"c": case_id, "at": at})
        migrate.upgrade(engine, "head")
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT case_id, case_number FROM p_cases")).all())
        assert rows == {"first": "（2026）鲁0102执1号", "later": None}
        with pytest.raises(IntegrityError), engine.begin() as conn:  # the unique key now holds
            conn.execute(text("UPDATE p_cases SET case_number = '（2026）鲁0102执1号' WHERE case_id = 'later'"))
        migrate.downgrade(engine, "0003")
        assert "p_case_events" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
