"""The persistent store: submissions, runs and their scorecards, in SQLite (one machine) or
PostgreSQL (many); reviews, accounts, drafts and the rest come from its parts. Every public
method is one transaction, so nothing is ever half-written. Grading is exactly-once by the
run's idempotency key, enforced by a unique constraint rather than by reading first. The schema
belongs to the migrations in ``runner/store/migrations``, applied by ``Store.open``.

Semantics of ``start_run`` under concurrency: all callers with the same key get the same run
id, and exactly one of them gets ``True`` (grade it now). ``False`` means the run is done (its
scorecard is in ``scorecard_for_key``) or another worker claimed it less than ``lease`` ago
(``scorecard_for_key`` is still None). A failed run, or one claimed longer ago than the lease
(a worker that died), is claimed again with its attempt count raised.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from reports.flag_levels import alarms
from reports.render.cohort_page import CohortRow
from reports.scorecard import Scorecard
from runner.store.accounts import AccountRecords
from runner.store.base import DEFAULT_LEASE, rowcount, utc_now
from runner.store.drafts import DraftRecords
from runner.store.fingerprints import FingerprintRecords
from runner.store.models import (
    DecisionRow,
    RunRow,
    RunStatus,
    ScorecardRow,
    SourceRow,
    StoreError,
    SubmissionRow,
)
from runner.store.portal import Invitation, PortalRecords
from runner.store.ratings import RatingRecords
from runner.store.review_queue import ProgressRecords
from runner.store.reviews import ReviewRecords
from runner.store.sources import SourceRecords

__all__ = ["DEFAULT_LEASE", "Invitation", "Store", "StoreError", "idempotency_key"]


def idempotency_key(alias: str, source: str, head: str, suite_hash: str, image: str) -> str:
    """sha256 of what makes a grade reusable: same candidate, same repository at the same head
    commit (the content hash for a plain directory), same hidden suite, same image (its
    content tag)."""
    payload = json.dumps([alias, source, head, suite_hash, image], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def graded_file_key(card: Scorecard) -> str:
    """The run key of a scorecard graded outside the store: every grading its own run."""
    parts = ["file", card.challenge.id, card.submission.id, card.provenance.commit,
             card.provenance.suite_hash, card.provenance.graded_at.isoformat()]  # fmt: skip
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


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


class Store(PortalRecords, ReviewRecords, AccountRecords, ProgressRecords, DraftRecords,
            SourceRecords, RatingRecords, FingerprintRecords):  # fmt: skip
    """The store: runs and scorecards here; invitations, deliveries, reviews, decisions and
    the audit log from its parts."""

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
                                              source=source, ref=ref, created_at=utc_now(),
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
        now = utc_now()
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
        claimed = rowcount(session, update(RunRow).where(
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

    def finish_run(self, run_id: int, scorecard: Scorecard, source: str | None = None) -> int:
        """Store the run's scorecard (and its graded ``source``, JSON, for the review app) and
        mark the run done, all together; the scorecard's id."""
        with self._transaction() as session:
            now = utc_now()
            finished = rowcount(session, update(RunRow).where(
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
                               max_score=scorecard.max_score, card_id=scorecard.submission.id,
                               flags=len(alarms(scorecard.flags)))  # fmt: skip
            session.add(row)
            session.flush()
            if source is not None:
                session.add(SourceRow(scorecard_id=row.id, data=source))
            return row.id

    def fail_run(self, run_id: int, reason: str) -> None:
        """Mark a running run failed (an infra error): the next ``start_run`` grades again."""
        with self._transaction() as session:
            failed = rowcount(session, update(RunRow).where(
                RunRow.id == run_id, RunRow.status == RunStatus.RUNNING,
            ).values(status=RunStatus.FAILED, finished_at=utc_now(), reason=reason))  # fmt: skip
            if failed != 1:
                raise self._not_running(session, run_id, "fail")

    def scorecard_for_key(self, key: str) -> Scorecard | None:
        """The scorecard of the done run of ``key``, or None."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ScorecardRow.id, ScorecardRow.data)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .where(RunRow.idempotency_key == key)
            ).first()
            return None if found is None else self._card(found.id, found.data)

    def scorecard_id_for_key(self, key: str) -> int | None:
        """The id of the scorecard of the done run of ``key``, or None."""
        with self._transaction(write=False) as session:
            return session.scalar(
                select(ScorecardRow.id)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .where(RunRow.idempotency_key == key)
            )

    def record_scorecard(self, card: Scorecard) -> int:
        """The store's id of a scorecard graded outside it (``takehome grade``, a batch),
        recorded now as a done run of its submission if it is not there yet.

        Reviews and decisions of report files go through this id, so the store holds every
        review whichever way the submission was graded. One grading is one run: its key is the
        grading itself (submission, commit, suite, when it was graded)."""
        if (found := self.find_scorecard(card)) is not None:
            return found
        key = graded_file_key(card)
        submission = self.submission_for(
            card.challenge.id, card.submission.id, card.submission.source, card.submission.ref
        )
        recorded = card.provenance
        run_id, claimed = self.start_run(
            submission, key, recorded.head, recorded.suite_hash, recorded.image_id or ""
        )
        if claimed:
            return self.finish_run(run_id, card)
        if (found := self.scorecard_id_for_key(key)) is not None:  # recorded meanwhile
            return found
        raise StoreError(f"scorecard of {card.submission.id}: being recorded by another process")

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
                   DecisionRow.recommendation, ScorecardRow.flags)
            .join(newest, newest.c.id == ScorecardRow.id)
            .join(RunRow, ScorecardRow.run_id == RunRow.id)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .outerjoin(DecisionRow, DecisionRow.scorecard_id == ScorecardRow.id)
            .order_by(SubmissionRow.alias)
        )  # fmt: skip
        with self._transaction(write=False) as session:
            rows = session.execute(listing).all()
        return [
            CohortRow(alias=r.alias, outcome=r.outcome, status=r.status,
                      tests_passed=r.tests_passed or 0, tests_total=r.tests_total or 0,
                      auto_score=r.auto_score, auto_max_score=r.auto_max_score or 0.0,
                      score=r.score, max_score=r.max_score or 0.0,
                      recommendation=r.recommendation, flags=r.flags or 0)
            for r in rows
        ]  # fmt: skip

    def latest_scorecard(self, challenge_id: str, alias: str, after: int = 0) -> Scorecard | None:
        """The newest scorecard of one alias for one challenge (with an id above ``after``:
        graded since), or None."""
        with self._transaction(write=False) as session:
            found = session.execute(
                select(ScorecardRow.id, ScorecardRow.data)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
                .where(
                    SubmissionRow.challenge_id == challenge_id,
                    SubmissionRow.alias == alias,
                    ScorecardRow.id > after,
                )
                .order_by(ScorecardRow.id.desc())
                .limit(1)
            ).first()
            return None if found is None else self._card(found.id, found.data)
