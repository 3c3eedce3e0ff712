"""Alembic environment of the provincial platform (its own, separate from the desktop's).

Run by ``provincial.migrate.upgrade`` with a connection in ``config.attributes["connection"]``; the platform
upgrades its database to head on every start (SQLite and PostgreSQL).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
