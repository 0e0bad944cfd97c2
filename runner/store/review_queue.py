"""Who reviews what: each graded submission assigned to k reviewers, and each reviewer's
queue with what is waiting, in progress, submitted, changed since (a regrade) or decided.

Assignment balances load: a submission goes to the reviewers with the fewest assignments,
ties broken by a hash of the submission and the reviewer, so the order is pseudo-random but
the same on every server (two servers assigning at once cannot pick differently: the unique
constraint keeps one of each pair, and the loser simply finds the work done).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Subquery

from graders.base import Outcome
from runner.store.base import StoreBase, utc_now
from runner.store.models import (
    AssignmentRow,
    DecisionRow,
    DraftRow,
    ReviewerRow,
    Role,
    RunRow,
    ScorecardRow,
    SubmissionRow,
)

MAX_IN = 500
SCORED = tuple(outcome.value for outcome in Outcome if outcome.scored)
"""Outcomes whose scorecard has a grade to complete: only those go to reviewers."""


@dataclass(frozen=True)
class QueueEntry:
    submission_id: int
    challenge_id: str
    scorecard_id: int
    commit: str | None
    outcome: str
    graded_at: datetime
    state: str
    """waiting | in progress | submitted | changed since | decided"""
    recommendation: str | None


def latest_scorecards() -> Subquery:
    """Each submission's newest scorecard id (ids grow with insertion)."""
    return (
        select(RunRow.submission_id, func.max(ScorecardRow.id).label("id"))
        .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
        .group_by(RunRow.submission_id)
        .subquery()
    )


def _tie(submission_id: int, reviewer_id: int) -> str:
    return hashlib.sha256(f"{submission_id}:{reviewer_id}".encode()).hexdigest()


def _state(draft_submitted: datetime | None, has_draft: bool, same_grade: bool,
           decided: bool) -> str:  # fmt: skip
    if decided:
        return "decided"
    if not has_draft:
        return "waiting"
    if not same_grade:
        return "changed since"
    return "submitted" if draft_submitted is not None else "in progress"


class QueueRecords(StoreBase):
    _settled: tuple[object, ...] | None = None
    """What the store looked like when this process last found nothing to assign."""

    def assign_pending(self, per_submission: int) -> int:
        """Give every graded submission with fewer than ``per_submission`` reviewers more,
        from the least loaded; how many assignments were made. With nothing pending (the
        usual case: every queue view asks) it is one query that returns no row."""
        counts = (
            select(AssignmentRow.submission_id, func.count().label("n"))
            .group_by(AssignmentRow.submission_id).subquery()
        )  # fmt: skip
        graded = (
            select(RunRow.submission_id).distinct()
            .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
            .where(ScorecardRow.outcome.in_(SCORED)).subquery()
        )  # fmt: skip
        with self._transaction(write=False) as session:
            reviewers = session.scalars(
                select(ReviewerRow.id).where(ReviewerRow.role == Role.REVIEWER.value)
            ).all()
            wanted = min(per_submission, len(reviewers))
            if wanted == 0:
                return 0
            # Nothing graded and nobody added since this process last found nothing pending:
            # the answer is the same (assignments are never taken away).
            stamp = (session.scalar(select(func.max(ScorecardRow.id))), tuple(reviewers), wanted)
            if stamp == self._settled:
                return 0
            pending = session.scalars(
                select(graded.c.submission_id)
                .outerjoin(counts, counts.c.submission_id == graded.c.submission_id)
                .where(func.coalesce(counts.c.n, 0) < wanted)
                .order_by(graded.c.submission_id)
            ).all()  # fmt: skip
            if not pending:
                self._settled = stamp
                return 0
            load = dict.fromkeys(reviewers, 0)
            for reviewer, count in session.execute(
                select(AssignmentRow.reviewer_id, func.count()).group_by(AssignmentRow.reviewer_id)
            ).all():  # fmt: skip
                load[reviewer] = count
            pairs = select(AssignmentRow.submission_id, AssignmentRow.reviewer_id)
            if len(pending) <= MAX_IN:  # a long IN list costs more than reading them all
                pairs = pairs.where(AssignmentRow.submission_id.in_(pending))
            assigned: dict[int, set[int]] = {}
            for submission, reviewer in session.execute(pairs).all():
                assigned.setdefault(submission, set()).add(reviewer)
        new: list[tuple[int, int]] = []
        for submission in pending:
            have = assigned.get(submission, set())
            free = sorted((r for r in reviewers if r not in have),
                          key=lambda r: (load[r], _tie(submission, r)))  # fmt: skip
            for reviewer in free[: max(0, wanted - len(have))]:
                new.append((submission, reviewer))
                load[reviewer] += 1
        now = utc_now()
        try:
            with self._transaction() as session:
                session.add_all(AssignmentRow(submission_id=s, reviewer_id=r, assigned_at=now)
                                for s, r in new)  # fmt: skip
        except IntegrityError:  # another server assigned meanwhile: its choice stands
            return 0
        return len(new)

    def assignees(self, submission_id: int) -> list[str]:
        with self._transaction(write=False) as session:
            return list(session.scalars(
                select(ReviewerRow.name)
                .join(AssignmentRow, AssignmentRow.reviewer_id == ReviewerRow.id)
                .where(AssignmentRow.submission_id == submission_id)
                .order_by(ReviewerRow.name)
            ).all())  # fmt: skip

    def is_assigned(self, submission_id: int, reviewer_id: int) -> bool:
        with self._transaction(write=False) as session:
            return session.scalar(select(AssignmentRow.id).where(
                AssignmentRow.submission_id == submission_id,
                AssignmentRow.reviewer_id == reviewer_id)) is not None  # fmt: skip

    def queue(self, reviewer_id: int, everything: bool = False) -> list[QueueEntry]:
        """The reviewer's assigned submissions (every graded one with ``everything``: a
        manager's view), with the state of the reviewer's own review, newest grade first."""
        latest = latest_scorecards()
        draft_card, draft_run = aliased(ScorecardRow), aliased(RunRow)
        mine = latest.c.submission_id
        query = (
            select(latest.c.submission_id, SubmissionRow.challenge_id, ScorecardRow.id,
                   RunRow.commit, RunRow.suite_hash, ScorecardRow.outcome,
                   ScorecardRow.created_at, DraftRow.id, DraftRow.submitted_at,
                   draft_run.commit, draft_run.suite_hash, DecisionRow.recommendation)
            .join(ScorecardRow, ScorecardRow.id == latest.c.id)
            .join(RunRow, RunRow.id == ScorecardRow.run_id)
            .join(SubmissionRow, SubmissionRow.id == latest.c.submission_id)
            .outerjoin(DecisionRow, DecisionRow.scorecard_id == ScorecardRow.id)
            .outerjoin(DraftRow, (DraftRow.submission_id == mine)
                       & (DraftRow.reviewer_id == reviewer_id))
        )  # fmt: skip
        if not everything:
            query = query.join(AssignmentRow, (AssignmentRow.submission_id == mine)
                               & (AssignmentRow.reviewer_id == reviewer_id))  # fmt: skip
        query = (
            query.outerjoin(draft_card, draft_card.id == DraftRow.scorecard_id)
            .outerjoin(draft_run, draft_run.id == draft_card.run_id)
            .order_by(ScorecardRow.id.desc())
        )
        with self._transaction(write=False) as session:
            rows = session.execute(query).all()
        return [
            QueueEntry(
                submission_id=r[0], challenge_id=r[1], scorecard_id=r[2], commit=r[3],
                outcome=r[5], graded_at=r[6],
                state=_state(r[8], r[7] is not None, (r[9], r[10]) == (r[3], r[4]),
                             r[11] is not None),
                recommendation=r[11],
            )
            for r in rows
        ]  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """A submission on the manager's cohort page."""

    submission_id: int
    challenge_id: str
    scorecard_id: int
    outcome: str
    auto_score: float | None
    auto_max_score: float
    flags: int
    assigned: int
    submitted: int
    """Reviews submitted for this grade (its commit and suite)."""
    recommendation: str | None


class ProgressRecords(QueueRecords):
    def progress(self) -> list[Progress]:
        """Every graded submission's newest grade with its flags, assignments, reviews
        submitted for that grade, and decision; newest first."""
        latest = latest_scorecards()
        draft_card, draft_run = aliased(ScorecardRow), aliased(RunRow)
        assigned = (
            select(AssignmentRow.submission_id, func.count().label("n"))
            .group_by(AssignmentRow.submission_id).subquery()
        )  # fmt: skip
        submitted = (
            select(DraftRow.submission_id, draft_run.commit, draft_run.suite_hash,
                   func.count().label("n"))
            .join(draft_card, draft_card.id == DraftRow.scorecard_id)
            .join(draft_run, draft_run.id == draft_card.run_id)
            .where(DraftRow.submitted_at.is_not(None))
            .group_by(DraftRow.submission_id, draft_run.commit, draft_run.suite_hash)
            .subquery()
        )  # fmt: skip
        query = (
            select(latest.c.submission_id, SubmissionRow.challenge_id, ScorecardRow.id,
                   ScorecardRow.outcome, ScorecardRow.auto_score, ScorecardRow.auto_max_score,
                   ScorecardRow.flags, assigned.c.n, submitted.c.n, DecisionRow.recommendation)
            .join(ScorecardRow, ScorecardRow.id == latest.c.id)
            .join(RunRow, RunRow.id == ScorecardRow.run_id)
            .join(SubmissionRow, SubmissionRow.id == latest.c.submission_id)
            .outerjoin(assigned, assigned.c.submission_id == latest.c.submission_id)
            .outerjoin(submitted, (submitted.c.submission_id == latest.c.submission_id)
                       & (submitted.c.commit == RunRow.commit)
                       & (submitted.c.suite_hash == RunRow.suite_hash))
            .outerjoin(DecisionRow, DecisionRow.scorecard_id == ScorecardRow.id)
            .order_by(ScorecardRow.id.desc())
        )  # fmt: skip
        with self._transaction(write=False) as session:
            rows = session.execute(query).all()
        return [Progress(r[0], r[1], r[2], r[3], r[4], r[5] or 0.0, r[6] or 0, r[7] or 0,
                         r[8] or 0, r[9]) for r in rows]  # fmt: skip

    def changes_stamp(self) -> str:
        """Changes whenever a grade, a review, a draft submission or a decision does: the
        cohort page reloads when it sees another stamp."""
        with self._transaction(write=False) as session:
            parts = [
                session.scalar(select(func.max(ScorecardRow.id))),
                session.scalar(select(func.count(DecisionRow.id))),
                session.scalar(select(func.max(DecisionRow.id))),
                session.scalar(select(func.count(DraftRow.submitted_at))),
                session.scalar(select(func.max(DraftRow.submitted_at))),
            ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
