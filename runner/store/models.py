"""The persistent store's schema (SQLAlchemy typed ORM classes) and how a database is opened
and brought up to it.

Kept apart from ``runner.store.runs``, which holds what the store does, so that the Alembic
environment can import the metadata (for ``alembic revision --autogenerate``) and each module
stays small. The schema itself is created by the migrations in ``runner/migrations``, never by
``create_all``: a table added here needs a new migration, and a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from challenges.base_error import TakehomeError

MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "takehome_read_only"
"""Execution option of the store's read-only sessions (a plain BEGIN on SQLite)."""
_MIGRATION_LOCK = 7_301_954_226
"""PostgreSQL advisory lock key: workers opening a new database at once migrate one by one."""


class StoreError(TakehomeError):
    """The database cannot be reached or opened, or a request contradicts what is stored."""


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so that a later migration can drop or alter them on every database."""


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC that comes back timezone-aware from SQLite and PostgreSQL alike.

    SQLite has no time zones and drops them silently; PostgreSQL converts to the session's zone.
    Naive values are taken to be UTC (the project's convention for every stored time).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InvitationRow(Base):
    """An invitation a candidate opens to start the clock; the token's nonce is spent once."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(String(200))
    alias: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    token_nonce: Mapped[str] = mapped_column(String(128), unique=True)
    scorecards_before: Mapped[int | None] = mapped_column(Integer)
    """The highest scorecard id when the invitation was used: its submission's grade is a
    later one (ids grow with insertion, where grading times tie within a second)."""


class SubmissionRow(Base):
    """One candidate's repository (and ref) for one challenge; graded by many runs over time."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    challenge_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    push_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


# NULLs are distinct in a unique constraint on both databases: coalesce makes "no ref" one value,
# so the same repository without a ref is one submission. Also serves lookups by challenge.
Index(
    "uq_submissions_identity",
    SubmissionRow.challenge_id,
    SubmissionRow.alias,
    SubmissionRow.source,
    func.coalesce(SubmissionRow.ref, ""),
    unique=True,
)


class RunRow(Base):
    """One grading of a submission, unique by its idempotency key: what makes it exactly-once."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    head: Mapped[str | None] = mapped_column(String(200))
    commit: Mapped[str | None] = mapped_column(String(200))
    """The commit graded; known only when the run finishes (the time window chooses it)."""
    suite_hash: Mapped[str] = mapped_column(String(128))
    image_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the last attempt failed (``fail_run``); cleared when the run is attempted again."""


class ScorecardRow(Base):
    """The scorecard a run produced, whole (JSON), with the columns that listings sort on."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), unique=True)
    data: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    auto_score: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    tests_passed: Mapped[int | None] = mapped_column(Integer)
    tests_total: Mapped[int | None] = mapped_column(Integer)
    auto_max_score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)


class ReviewRow(Base):
    """One reviewer's independent ratings of one scorecard: at most one per reviewer."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("scorecard_id", "reviewer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    reviewer: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DecisionRow(Base):
    """The hiring recommendation that finalized a scorecard: one per scorecard."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"), unique=True)
    recommendation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    """A webhook delivery already handled: a replayed delivery id is refused."""

    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event: Mapped[str] = mapped_column(String(100))
    repository: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """Who did what to which subject, and when: appended, never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


TABLES: frozenset[str] = frozenset(Base.metadata.tables)
"""The store's tables by name (Alembic's own ``alembic_version`` is not one of them)."""


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
