"""What every part of the store shares: the connection, one transaction per call, reading a
stored scorecard back, and the audit log.

``runner.store.runs.Store`` is the store's API; it is made of this base, the invitation and webhook
records (``runner.store.portal``), the review records (``runner.store.reviews``) and the runs
and scorecards (``runner.store.runs``), each a small module of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, Update, and_, func, select
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from challenges.load import format_validation_error
from reports.scorecard import Scorecard
from runner.store.database import one_line, open_database
from runner.store.models import (
    METADATA,
    READ_ONLY,
    TABLES,
    AuditRow,
    RunRow,
    ScorecardRow,
    StoreError,
)

_Stored = TypeVar("_Stored", bound=BaseModel)

DEFAULT_LEASE = timedelta(hours=1)
"""How long a claimed run is left to its worker before another may claim it again."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def rowcount(session: Session, statement: Update) -> int:
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


def same_grade(session: Session, scorecard_id: int) -> ColumnElement[bool] | None:
    """The condition on ``RunRow`` that holds for every grade of the same submission, commit
    and hidden suite as ``scorecard_id`` (a reproduced regrade rates the same work); None
    when there is no such scorecard."""
    target = session.execute(
        select(RunRow.submission_id, RunRow.commit, RunRow.suite_hash)
        .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
        .where(ScorecardRow.id == scorecard_id)
    ).first()
    if target is None:
        return None
    return and_(RunRow.submission_id == target[0], RunRow.commit == target[1],
                RunRow.suite_hash == target[2])  # fmt: skip


class StoreBase:
    """A database of grading results; thread-safe, one short transaction per call."""

    def __init__(self, engine: Engine, name: str, lease: timedelta = DEFAULT_LEASE) -> None:
        self._engine = engine
        self._name = name
        self._lease = lease
        self._writes = sessionmaker(engine, expire_on_commit=False)
        self._reads = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @classmethod
    def open(cls, url: str, lease: timedelta = DEFAULT_LEASE) -> Self:
        """Connect to ``url`` (``sqlite:///FILE``, ``postgresql+psycopg://...``) and bring its
        schema up to date; a database that cannot be reached is a one-line StoreError."""
        engine, shown = open_database(url)
        return cls(engine, shown, lease)

    @property
    def name(self) -> str:
        """The database as shown to users (no password)."""
        return self._name

    @property
    def engine(self) -> Engine:
        """For health checks, tests and bulk tools; the methods below are the store's API."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self.close()

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        try:
            with (self._writes if write else self._reads).begin() as session:
                yield session
        except (OperationalError, InterfaceError) as error:
            raise StoreError(f"{self._name}: {one_line(error)}") from None

    def _card(self, scorecard_id: int, data: str) -> Scorecard:
        return self._stored(Scorecard, f"scorecard {scorecard_id}", data)

    def _stored(self, model: type[_Stored], what: str, data: str) -> _Stored:
        """A stored JSON document read back; a row that no longer validates is named."""
        try:
            return model.model_validate_json(data)
        except ValidationError as error:
            raise StoreError(format_validation_error(f"{self._name}: {what}", error)) from None

    def audit(self, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
        """Append who did what to which subject; ``detail`` must be JSON."""
        with self._transaction() as session:
            session.add(AuditRow(at=utc_now(), actor=actor, action=action, subject=subject,
                                 detail=detail))  # fmt: skip

    def count(self, table_name: str) -> int:
        """Rows in one of the store's tables (for tests and health checks)."""
        if table_name not in TABLES:
            raise StoreError(
                f"{table_name!r}: not a table of the store ({', '.join(sorted(TABLES))})"
            )
        table = METADATA.tables[table_name]
        with self._transaction(write=False) as session:
            return session.scalar(select(func.count()).select_from(table)) or 0
