"""Alembic environment: always run from code (execdesk.models.migrate) on a connection it passes in."""

from alembic import context

from execdesk.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` CLI for developers: -x db=path
        from execdesk.models.database import make_engine

        db = context.get_x_argument(as_dictionary=True).get("db", "dev.sqlite3")
        with make_engine(db).connect() as connection:
            _run(connection)
            connection.commit()
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite ALTER via move-and-copy
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
