"""Opening a database and bringing its schema up to date (the migrations, never
``create_all``), with the SQLite settings that make one file safe for many writers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from runner.store.models import READ_ONLY, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_301_954_226
"""PostgreSQL advisory lock key: workers opening a new database at once migrate one by one."""


def one_line(error: BaseException) -> str:
    """The driver's message on one line (psycopg's span several)."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    return " ".join(str(cause).split()) or cause.__class__.__name__


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would BEGIN only before the first write; we BEGIN
    # ourselves (below), so that the reads and writes of one call share one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "foreign_keys = ON",
                   "synchronous = NORMAL"):  # fmt: skip
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that read, then writes
    # after another writer committed, fails at once (SQLITE_BUSY_SNAPSHOT) instead of waiting.
    # Reads keep a plain BEGIN: a WAL snapshot that never blocks writers.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _engine(url: str) -> tuple[Engine, str]:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{url!r}: not a database URL (sqlite:///FILE or "
                         "postgresql://USER@HOST/DB)") from None  # fmt: skip
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise StoreError(f"{shown}: unsupported database (sqlite:///FILE or postgresql://...)")
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver takehome installs
    options: dict[str, Any] = {}
    if backend == "postgresql":
        options = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise StoreError(f"{shown}: unsupported database URL: {one_line(error)}") from None
    if backend == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine, shown


def _upgrade(connection: Connection) -> None:
    """``alembic upgrade head`` on this connection, in its transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def open_database(url: str) -> tuple[Engine, str]:
    """An engine on ``url`` whose schema is up to date, and the URL to show (no password)."""
    engine, shown = _engine(url)
    try:
        connection = engine.connect()
    except DBAPIError as error:
        engine.dispose()
        raise StoreError(f"{shown}: cannot connect: {one_line(error)}") from None
    try:
        with connection, connection.begin():
            _upgrade(connection)
    except (DBAPIError, CommandError) as error:
        engine.dispose()
        raise StoreError(f"{shown}: cannot bring the schema up to date: "
                         f"{one_line(error)}") from None  # fmt: skip
    return engine, shown
