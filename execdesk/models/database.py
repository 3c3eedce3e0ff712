"""Engine and sessions for the user's SQLite file: WAL, synchronous=FULL, foreign keys on.

Python 3.12's sqlite3 ``autocommit=False`` makes pysqlite open transactions itself, including for DDL, so
a migration either commits whole or rolls back whole (ANCHORS B5).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    # PRAGMAs must run outside a transaction; with autocommit=False one is already open, so commit first.
    dbapi_conn.commit()
    ac = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()
    dbapi_conn.autocommit = ac


def make_engine(path: Path | str) -> Engine:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"autocommit": False, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect)
    return engine


class Store:
    """The open database: one engine, a session factory, and the transaction helper every service uses."""

    def __init__(self, path: Path | str, engine: Engine | None = None):
        self.path = Path(path)
        self.engine = engine or make_engine(self.path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

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

    def close(self) -> None:
        self.engine.dispose()
