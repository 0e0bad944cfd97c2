"""The persistent store: submissions, runs and their scorecards, reviews, decisions, webhook
deliveries and the audit log, in SQLite (one machine) or PostgreSQL (many), same code.

Every public method is one transaction, so nothing is ever half-written: a run is marked done
in the same transaction that stores its scorecard, a decision in the same one that stores the
finalized scorecard. Grading is exactly-once by the run's idempotency key, enforced by a
unique constraint rather than by reading first, so it holds across threads, processes and
machines. The schema belongs to the Alembic migrations in ``runner/migrations``, applied by
``Store.open``: a new file or database is ready to use, an old one is brought up to date.

Semantics of ``start_run`` under concurrency: all callers with the same key get the same run
id, and exactly one of them gets ``True`` (grade it now). ``False`` means the run is done (its
scorecard is in ``scorecard_for_key``) or another worker claimed it less than ``lease`` ago
(``scorecard_for_key`` is still None). A failed run, or one claimed longer ago than the lease
(a worker that died), is claimed again with its attempt count raised.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Update, delete, func, select, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.selectable import Subquery

from challenges.load import format_validation_error
from reports.cohort import CohortRow
from reports.scorecard import Review, Scorecard
from runner.store_models import (
    READ_ONLY,
    TABLES,
    AuditRow,
    Base,
    DecisionRow,
    DeliveryRow,
    InvitationRow,
    ReviewRow,
    RunRow,
    RunStatus,
    ScorecardRow,
    StoreError,
    SubmissionRow,
    one_line,
    open_database,
)

__all__ = ["DEFAULT_LEASE", "Invitation", "Store", "StoreError", "idempotency_key"]

DEFAULT_LEASE = timedelta(hours=1)
"""How long a claimed run is left to its worker before another may claim it again."""


def idempotency_key(alias: str, source: str, head: str, suite_hash: str, image_id: str) -> str:
    """sha256 of what makes a grade reusable: same candidate, same repository at the same head
    commit (the content hash for a plain directory), same hidden suite, same image."""
    payload = json.dumps([alias, source, head, suite_hash, image_id], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _newest_per_alias(challenge_id: str) -> Subquery:
    """Each scorecard of the challenge ranked newest-first within its alias (ids only:
    carrying the JSON through the sort would cost ten times more)."""
    rank = func.row_number().over(
        partition_by=SubmissionRow.alias,
        order_by=(ScorecardRow.created_at.desc(), ScorecardRow.id.desc()),
    )
    return (
        select(SubmissionRow.alias, ScorecardRow.id, rank.label("rank"))
        .join(RunRow, RunRow.submission_id == SubmissionRow.id)
        .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
        .where(SubmissionRow.challenge_id == challenge_id)
        .subquery()
    )


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Invitation:
    """An invitation as stored; the nonce is the secret a link's signature covers."""

    id: str
    challenge_id: str
    alias: str
    created_at: datetime
    opened_at: datetime | None
    """When the candidate first opened it: the clock start, set once."""
    deadline: datetime | None
    used_at: datetime | None
    """When a repository was submitted through it; a used invitation takes no other."""
    token_nonce: str

    @classmethod
    def of(cls, row: InvitationRow) -> Invitation:
        return cls(row.id, row.challenge_id, row.alias, row.created_at, row.opened_at,
                   row.deadline, row.used_at, row.token_nonce)  # fmt: skip


def _rowcount(session: Session, statement: Update) -> int:
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


class Store:
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
    def open(cls, url: str, lease: timedelta = DEFAULT_LEASE) -> Store:
        """Connect to ``url`` (``sqlite:///FILE``, ``postgresql+psycopg://...``) and bring its
        schema up to date; a database that cannot be reached is a one-line StoreError."""
        engine, shown = open_database(url)
        return cls(engine, shown, lease)

    @property
    def engine(self) -> Engine:
        """For health checks, tests and bulk tools; the methods below are the store's API."""
        return self._engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
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

    def submission_for(self, challenge_id: str, alias: str, source: str, ref: str | None,
                       push_time: datetime | None = None) -> int:  # fmt: skip
        """The id of this submission, created if new; a later ``push_time`` is kept."""
        for _ in range(2):  # a concurrent creator wins the unique index: read its row
            try:
                with self._transaction() as session:
                    found = session.scalar(select(SubmissionRow).where(
                        SubmissionRow.challenge_id == challenge_id, SubmissionRow.alias == alias,
                        SubmissionRow.source == source,
                        SubmissionRow.ref.is_(None) if ref is None else SubmissionRow.ref == ref,
                    ))  # fmt: skip
                    if found is None:
                        found = SubmissionRow(challenge_id=challenge_id, alias=alias,
                                              source=source, ref=ref, created_at=_now(),
                                              push_time=push_time)  # fmt: skip
                        session.add(found)
                        session.flush()
                    elif push_time is not None and (
                        found.push_time is None or push_time > found.push_time
                    ):
                        found.push_time = push_time
                    return found.id
            except IntegrityError:
                continue
        raise StoreError(f"submission {alias} of {challenge_id}: could not be recorded")

    def start_run(self, submission_id: int, key: str, head: str | None, suite_hash: str,
                  image_id: str) -> tuple[int, bool]:  # fmt: skip
        """Claim the run of ``key``: ``(run id, True)`` to grade it now, ``(run id, False)``
        when it is done or another worker holds it (see the module docstring)."""
        for _ in range(2):  # a concurrent creator wins the unique key: read its row
            try:
                with self._transaction() as session:
                    return self._claim(session, submission_id, key, head, suite_hash, image_id)
            except IntegrityError:
                continue
        raise StoreError(f"run {key[:12]}: could not be claimed")

    def _claim(self, session: Session, submission_id: int, key: str, head: str | None,
               suite_hash: str, image_id: str) -> tuple[int, bool]:  # fmt: skip
        now = _now()
        run = session.scalar(select(RunRow).where(RunRow.idempotency_key == key))
        if run is None:
            if session.get(SubmissionRow, submission_id) is None:
                raise StoreError(f"submission {submission_id} does not exist")
            run = RunRow(submission_id=submission_id, idempotency_key=key, head=head,
                         suite_hash=suite_hash, image_id=image_id, status=RunStatus.RUNNING,
                         attempts=1, started_at=now)  # fmt: skip
            session.add(run)
            session.flush()
            return run.id, True
        held = run.status == RunStatus.RUNNING and now - run.started_at < self._lease
        if run.status == RunStatus.DONE or held:
            return run.id, False
        # Whoever updates the row as we read it wins; the other matches no row.
        claimed = _rowcount(session, update(RunRow).where(
            RunRow.id == run.id, RunRow.status == run.status, RunRow.attempts == run.attempts,
        ).values(status=RunStatus.RUNNING, attempts=run.attempts + 1, started_at=now,
                 finished_at=None, outcome=None, reason=None))  # fmt: skip
        return run.id, claimed == 1

    def _not_running(self, session: Session, run_id: int, verb: str) -> StoreError:
        run = session.get(RunRow, run_id)
        if run is None:
            return StoreError(f"run {run_id} does not exist")
        if run.status == RunStatus.DONE:
            return StoreError(f"run {run_id} is already done: its scorecard is recorded once")
        return StoreError(f"run {run_id} is {run.status}: cannot {verb} it (start it again)")

    def finish_run(self, run_id: int, scorecard: Scorecard) -> int:
        """Store the run's scorecard and mark the run done, together; the scorecard's id."""
        with self._transaction() as session:
            now = _now()
            finished = _rowcount(session, update(RunRow).where(
                RunRow.id == run_id, RunRow.status == RunStatus.RUNNING,
            ).values(status=RunStatus.DONE, finished_at=now, outcome=scorecard.outcome.value,
                     commit=scorecard.provenance.commit))  # fmt: skip
            if finished != 1:
                raise self._not_running(session, run_id, "finish")
            row = ScorecardRow(run_id=run_id, data=scorecard.model_dump_json(),
                               outcome=scorecard.outcome.value, status=scorecard.status.value,
                               auto_score=scorecard.auto_score, score=scorecard.score,
                               created_at=now, tests_passed=scorecard.tests.passed,
                               tests_total=scorecard.tests.total,
                               auto_max_score=scorecard.auto_max_score,
                               max_score=scorecard.max_score)  # fmt: skip
            session.add(row)
            session.flush()
            return row.id

    def fail_run(self, run_id: int, reason: str) -> None:
        """Mark a running run failed (an infra error): the next ``start_run`` grades again."""
        with self._transaction() as session:
            failed = _rowcount(session, update(RunRow).where(
                RunRow.id == run_id, RunRow.status == RunStatus.RUNNING,
            ).values(status=RunStatus.FAILED, finished_at=_now(), reason=reason))  # fmt: skip
            if failed != 1:
                raise self._not_running(session, run_id, "fail")

    def _card(self, scorecard_id: int, data: str) -> Scorecard:
        try:
            return Scorecard.model_validate_json(data)
        except ValidationError as error:
            where = f"{self._name}: scorecard {scorecard_id}"
            raise StoreError(format_validation_error(where, error)) from None

    def scorecard_for_key(self, key: str) -> Scorecard | None:
        """The scorecard of the done run of ``key``, or None."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ScorecardRow.id, ScorecardRow.data)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .where(RunRow.idempotency_key == key)
            ).first()
            return None if found is None else self._card(found.id, found.data)

    def latest_scorecards(self, challenge_id: str) -> list[Scorecard]:
        """The newest scorecard of each alias of the challenge, by alias."""
        ranked = _newest_per_alias(challenge_id)
        newest = (
            select(ScorecardRow.id, ScorecardRow.data)
            .join(ranked, ranked.c.id == ScorecardRow.id)
            .where(ranked.c.rank == 1)
        )
        with self._transaction(write=False) as session:
            rows = session.execute(newest.order_by(ranked.c.alias)).all()
        return [self._card(row.id, row.data) for row in rows]

    def cohort_rows(self, challenge_id: str) -> list[CohortRow]:
        """The index page's summary of each alias's newest scorecard, from columns only.

        Newest is the highest scorecard id (ids grow with insertion): a plain GROUP BY, which
        lists ten thousand aliases several times faster than ranking them by time.
        """
        newest = (
            select(func.max(ScorecardRow.id).label("id"))
            .join(RunRow, ScorecardRow.run_id == RunRow.id)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .where(SubmissionRow.challenge_id == challenge_id)
            .group_by(SubmissionRow.alias)
            .subquery()
        )
        listing = (
            select(SubmissionRow.alias, ScorecardRow.outcome, ScorecardRow.status,
                   ScorecardRow.tests_passed, ScorecardRow.tests_total, ScorecardRow.auto_score,
                   ScorecardRow.auto_max_score, ScorecardRow.score, ScorecardRow.max_score,
                   DecisionRow.recommendation)
            .join(newest, newest.c.id == ScorecardRow.id)
            .join(RunRow, ScorecardRow.run_id == RunRow.id)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .outerjoin(DecisionRow, DecisionRow.scorecard_id == ScorecardRow.id)
            .order_by(SubmissionRow.alias)
        )  # fmt: skip
        with self._transaction(write=False) as session:
            rows = session.execute(listing).all()
        return [
            CohortRow(
                alias=r.alias,
                outcome=r.outcome,
                status=r.status,
                tests_passed=r.tests_passed or 0,
                tests_total=r.tests_total or 0,
                auto_score=r.auto_score,
                auto_max_score=r.auto_max_score or 0.0,
                score=r.score,
                max_score=r.max_score or 0.0,
                recommendation=r.recommendation,
            )
            for r in rows
        ]

    def record_delivery(self, delivery_id: str, event: str, repository: str) -> bool:
        """Remember a webhook delivery; False when it was seen before (a replay)."""
        try:
            with self._transaction() as session:
                session.add(DeliveryRow(id=delivery_id, received_at=_now(), event=event,
                                        repository=repository))  # fmt: skip
        except IntegrityError:
            return False
        return True

    def forget_delivery(self, delivery_id: str) -> None:
        """Undo ``record_delivery`` when the delivery could not be handled: GitHub redelivers
        an event under the same delivery id, and that redelivery must not be a replay."""
        with self._transaction() as session:
            session.execute(delete(DeliveryRow).where(DeliveryRow.id == delivery_id))

    def create_invitation(self, challenge_id: str, alias: str,
                          deadline: datetime | None) -> Invitation:  # fmt: skip
        """A new invitation with a random id and nonce (never derived from the alias)."""
        row = InvitationRow(id=secrets.token_urlsafe(16), challenge_id=challenge_id,
                            alias=alias, created_at=_now(), opened_at=None, deadline=deadline,
                            used_at=None, token_nonce=secrets.token_urlsafe(32))  # fmt: skip
        with self._transaction() as session:
            session.add(row)
        return Invitation.of(row)

    def invitation(self, invitation_id: str) -> Invitation | None:
        with self._transaction(write=False) as session:
            row = session.get(InvitationRow, invitation_id)
            return None if row is None else Invitation.of(row)

    def open_invitation(self, invitation_id: str) -> Invitation:
        """Start the invitation's clock the first time it is opened; later opens keep it."""
        with self._transaction() as session:
            _rowcount(session, update(InvitationRow).where(
                InvitationRow.id == invitation_id, InvitationRow.opened_at.is_(None),
            ).values(opened_at=_now()))  # fmt: skip
            row = session.get(InvitationRow, invitation_id)
            if row is None:
                raise StoreError(f"invitation {invitation_id} does not exist")
            return Invitation.of(row)

    def use_invitation(self, invitation_id: str) -> bool:
        """Spend the invitation on a submission; False when it was already spent (or does
        not exist). Whoever updates the row first wins, across threads and processes."""
        with self._transaction() as session:
            return _rowcount(session, update(InvitationRow).where(
                InvitationRow.id == invitation_id, InvitationRow.used_at.is_(None),
            ).values(used_at=_now())) == 1  # fmt: skip

    def latest_scorecard(self, challenge_id: str, alias: str) -> Scorecard | None:
        """The newest scorecard of one alias for one challenge, or None."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ScorecardRow.id, ScorecardRow.data)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
                .where(SubmissionRow.challenge_id == challenge_id, SubmissionRow.alias == alias)
                .order_by(ScorecardRow.created_at.desc(), ScorecardRow.id.desc())
                .limit(1)
            ).first()
            return None if found is None else self._card(found.id, found.data)

    def release_invitation(self, invitation_id: str) -> None:
        """Undo ``use_invitation`` when the submission could not be handed to grading, so
        that the candidate's link still works."""
        with self._transaction() as session:
            _rowcount(session, update(InvitationRow).where(InvitationRow.id == invitation_id)
                      .values(used_at=None))  # fmt: skip

    def _open_scorecard(self, session: Session, scorecard_id: int) -> ScorecardRow:
        row = session.get(ScorecardRow, scorecard_id)
        if row is None:
            raise StoreError(f"scorecard {scorecard_id} does not exist")
        if session.scalar(select(DecisionRow.id).where(DecisionRow.scorecard_id == scorecard_id)):
            raise StoreError(f"scorecard {scorecard_id} is already decided")
        return row

    def add_review(self, scorecard_id: int, review: Review) -> int:
        """Store one reviewer's ratings; each reviewer rates a scorecard once. The review's id."""
        try:
            with self._transaction() as session:
                self._open_scorecard(session, scorecard_id)
                row = ReviewRow(scorecard_id=scorecard_id, reviewer=review.reviewer,
                                data=review.model_dump_json(),
                                submitted_at=review.submitted_at)  # fmt: skip
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:
            raise StoreError(
                f"{review.reviewer} has already rated scorecard {scorecard_id}"
            ) from None

    def record_decision(self, scorecard_id: int, finalized: Scorecard) -> int:
        """Store the decision and the finalized scorecard it completes, together; the
        decision's id. A scorecard is decided once."""
        decision = finalized.decision
        if decision is None:
            raise StoreError(f"scorecard {scorecard_id}: not finalized (no decision)")
        try:
            with self._transaction() as session:
                row = self._open_scorecard(session, scorecard_id)
                run = session.get(RunRow, row.run_id)
                recorded = None if run is None else (run.commit, run.suite_hash)
                if recorded != (finalized.provenance.commit, finalized.provenance.suite_hash):
                    raise StoreError(f"scorecard {scorecard_id}: the finalized scorecard is of "
                                     "another commit or suite")  # fmt: skip
                decided = DecisionRow(scorecard_id=scorecard_id,
                                      recommendation=decision.recommendation.value,
                                      reason=decision.reason, decided_by=decision.decided_by,
                                      decided_at=decision.decided_at)  # fmt: skip
                session.add(decided)
                row.data = finalized.model_dump_json()
                row.status, row.score = finalized.status.value, finalized.score
                session.flush()
                return decided.id
        except IntegrityError:
            raise StoreError(f"scorecard {scorecard_id} is already decided") from None

    def audit(self, actor: str, action: str, subject: str, detail: dict[str, Any]) -> None:
        """Append who did what to which subject; ``detail`` must be JSON."""
        with self._transaction() as session:
            session.add(AuditRow(at=_now(), actor=actor, action=action, subject=subject,
                                 detail=detail))  # fmt: skip

    def count(self, table_name: str) -> int:
        """Rows in one of the store's tables (for tests and health checks)."""
        if table_name not in TABLES:
            raise StoreError(
                f"{table_name!r}: not a table of the store ({', '.join(sorted(TABLES))})"
            )
        table = Base.metadata.tables[table_name]
        with self._transaction(write=False) as session:
            return session.scalar(select(func.count()).select_from(table)) or 0
