"""Engine and sessions for the user's SQLite file: WAL, synchronous=FULL, foreign keys on.

Transactions are begun by us, not by pysqlite (SQLAlchemy's documented recipe): every transaction that may
write starts with ``BEGIN IMMEDIATE``, so it holds the write lock from its first statement and a second
writer waits for it (busy timeout) instead of failing. With a deferred BEGIN a save that read first and then
wrote failed at once with "database is locked" whenever another connection (the sync worker, the day's
deadline refresh) had committed in between (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply).
Read-only sessions (``Store.read()``) begin a deferred transaction: a consistent snapshot, no lock.
DDL runs inside the same explicit transaction, so a migration commits whole or rolls back whole (ANCHORS B5).

SQLAlchemy is imported when the first session is made, not when the store is opened: the case list's
read queries (``services.search``) run on plain ``sqlite3`` connections from ``Store.query()``, so the
desktop shows its window and first page before the ORM has loaded (docs/decisions.md, item 16).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 5000


def _set_pragmas(dbapi_conn: sqlite3.Connection) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


READ_ONLY = "execdesk_read_only"  # execution option: begin a deferred (read) transaction


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    dbapi_conn.isolation_level = None  # pysqlite never begins or commits on its own; _on_begin does
    _set_pragmas(dbapi_conn)


def _on_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def make_engine(path: Path | str) -> Engine:
    from sqlalchemy import create_engine, event

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def dbapi_connection(db: Any) -> sqlite3.Connection:
    """The ``sqlite3`` connection behind ``db``: a connection from ``Store.query()`` itself, or the one a
    SQLAlchemy session is using (the read-model queries then run inside the session's transaction)."""
    if isinstance(db, sqlite3.Connection):
        return db
    return db.connection().connection.driver_connection


class Store:
    """The open database: one engine, a session factory, and the transaction helper every service uses."""

    def __init__(self, path: Path | str, engine: Engine | None = None):
        self.path = Path(path)
        if engine is not None:
            self.__dict__["engine"] = engine

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.path)

    @cached_property
    def read_engine(self) -> Engine:
        """The same engine and pool, beginning deferred (read-only) transactions."""
        return self.engine.execution_options(**{READ_ONLY: True})

    @cached_property
    def _sessions(self):
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @cached_property
    def _read_sessions(self):
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: holds the write lock from its start (BEGIN IMMEDIATE; another writer waits up to
        the busy timeout), commits on success, rolls back everything on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on one snapshot (deferred BEGIN: takes no lock, never blocks a writer)."""
        session = self._read_sessions()
        try:
            yield session
        finally:
            session.close()  # ends the read transaction; loaded objects stay readable (detached, not expired)

    @contextmanager
    def query(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection inside one read transaction (a consistent snapshot of the file), for
        the read-only list queries of ``services.search``. Nothing can be written through it."""
        con = sqlite3.connect(self.path, autocommit=True, check_same_thread=False)
        try:
            # A reader needs only these two: WAL mode is a property of the file (set by every writer's
            # connection), synchronous and foreign keys concern writes. This runs per page of the case list.
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA query_only=ON")
            con.execute("BEGIN")
            yield con
        finally:
            try:
                if con.in_transaction:
                    con.execute("ROLLBACK")
            finally:
                con.close()

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
