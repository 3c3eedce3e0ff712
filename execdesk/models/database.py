"""Engine and sessions for the user's SQLite file: WAL, synchronous=FULL, foreign keys on.

Python 3.12's sqlite3 ``autocommit=False`` makes pysqlite open transactions itself, including for DDL, so
a migration either commits whole or rolls back whole (ANCHORS B5).

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


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # PRAGMAs must run outside a transaction; with autocommit=False one is already open, so commit first.
    dbapi_conn.commit()
    ac = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    _set_pragmas(dbapi_conn)
    dbapi_conn.autocommit = ac


def make_engine(path: Path | str) -> Engine:
    from sqlalchemy import create_engine, event

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"autocommit": False, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
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
    def _sessions(self):
        from sqlalchemy.orm import sessionmaker

        return sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any exception."""
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
        session = self._sessions()
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
            _set_pragmas(con)
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
