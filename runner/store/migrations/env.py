"""Alembic environment of the store: runs on the connection ``runner.store.runs`` hands over.

``Store.open`` upgrades the database itself (no ``alembic.ini``), passing its own connection in
``config.attributes["connection"]`` so that the SQLite pragmas and the PostgreSQL advisory
lock it took apply to the migration too, and so that it all happens in one transaction.
Developers can still use the Alembic command line with a two-line ini file
(``[alembic]`` / ``script_location = runner/store/migrations``) and ``-x url=...``, e.g. ``alembic
-c dev.ini -x url=sqlite:///t.db check`` or ``revision --autogenerate``; that path makes its
own engine.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from runner.store.models import METADATA


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run() -> None:
    given = context.config.attributes.get("connection")
    if isinstance(given, Connection):
        _migrate(given)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database URL: alembic -x url=sqlite:///takehome.db ...")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=METADATA, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _migrate(connection)
            connection.commit()
    finally:
        engine.dispose()


_run()
