"""Schema migrations of the platform (Alembic, provincial/migrations/): run on every start.

``upgrade(engine)`` brings the database to head inside one transaction. On PostgreSQL a transaction-scoped
advisory lock serialises several worker processes starting at once (one migrates, the others then find the
schema current). A database created before migrations existed (tables but no ``alembic_version``) is
stamped at the baseline 0001 first.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
_LOCK_KEY = 0x45584543  # "EXEC"


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    cfg = _config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        if MigrationContext.configure(conn).get_current_revision() == head() and target == "head":
            return
        cfg.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "p_courts" in tables and "alembic_version" not in tables:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, target)


def downgrade(engine: Engine, target: str) -> None:
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)
