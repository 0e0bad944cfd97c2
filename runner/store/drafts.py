"""Reviews in the making: saved at every change, guarded by a version, timed.

A draft belongs to one reviewer and one submission, and names the scorecard it rates. Every
save says which version it edits; a save of an older version (a second tab, a reload that
raced an autosave) changes nothing and returns the draft as it now is, so the page can say
so and nothing typed anywhere is overwritten. Submitting stores the review of the draft's
scorecard in the same transaction (a second submit amends it), until the card is decided.

Time to review is the sum of the gaps between a reviewer's actions on the draft, each gap
over ``IDLE`` left out: a tab left open overnight is not a review of twelve hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reports.scorecard import Review
from runner.store.base import StoreBase, same_grade, utc_now
from runner.store.models import DecisionRow, DraftRow, ReviewRow, RunRow, ScorecardRow, StoreError

IDLE = timedelta(minutes=2)
"""A longer gap between two actions on a draft is idle time, not review time."""


@dataclass(frozen=True)
class Draft:
    submission_id: int
    reviewer_id: int
    scorecard_id: int
    data: str
    version: int
    opened_at: datetime
    active_seconds: float
    submitted_at: datetime | None


class DraftConflict(StoreError):
    """The draft was saved elsewhere since the version this change was made on."""

    def __init__(self, current: Draft) -> None:
        super().__init__(
            f"this review was changed in another tab or window (now version {current.version}); "
            "nothing was overwritten: reload to see it"
        )
        self.current = current


def _draft(row: DraftRow) -> Draft:
    return Draft(row.submission_id, row.reviewer_id, row.scorecard_id, row.data, row.version,
                 row.opened_at, row.active_seconds, row.submitted_at)  # fmt: skip


def _touch(row: DraftRow, now: datetime) -> None:
    gap = now - row.seen_at
    if timedelta(0) <= gap <= IDLE:
        row.active_seconds += gap.total_seconds()
    row.seen_at = now


class DraftRecords(StoreBase):
    def _row(self, session: Session, submission_id: int, reviewer_id: int) -> DraftRow | None:
        mine = (DraftRow.submission_id == submission_id) & (DraftRow.reviewer_id == reviewer_id)
        return session.scalar(select(DraftRow).where(mine))

    def _editable(self, session: Session, submission_id: int, reviewer_id: int,
                  version: int) -> DraftRow:  # fmt: skip
        row = self._row(session, submission_id, reviewer_id)
        if row is None:
            raise StoreError("there is no review in progress here; open the submission first")
        if row.version != version:
            raise DraftConflict(_draft(row))
        if self._decided(session, row.scorecard_id):
            raise StoreError("this scorecard is already decided: a manager must reopen it first")
        return row

    def _decided(self, session: Session, scorecard_id: int) -> bool:
        """Whether a grade of the same submission, commit and suite as ``scorecard_id`` is
        decided (a reproduced regrade can be what the manager decided on)."""
        grade = same_grade(session, scorecard_id)
        if grade is None:
            return False
        return session.scalar(
            select(DecisionRow.id)
            .join(ScorecardRow, ScorecardRow.id == DecisionRow.scorecard_id)
            .join(RunRow, RunRow.id == ScorecardRow.run_id)
            .where(grade)
            .limit(1)
        ) is not None  # fmt: skip

    def draft(self, submission_id: int, reviewer_id: int) -> Draft | None:
        with self._transaction(write=False) as session:
            row = self._row(session, submission_id, reviewer_id)
            return None if row is None else _draft(row)

    def open_draft(self, submission_id: int, reviewer_id: int, scorecard_id: int,
                   data: str) -> Draft:  # fmt: skip
        """The reviewer's draft of the submission, started now on ``scorecard_id`` if there is
        none; opening it counts as an action (time since the last one, unless idle)."""
        now = utc_now()
        try:
            with self._transaction() as session:
                row = self._row(session, submission_id, reviewer_id)
                if row is None:
                    row = DraftRow(submission_id=submission_id, reviewer_id=reviewer_id,
                                   scorecard_id=scorecard_id, data=data, version=1, opened_at=now,
                                   seen_at=now, active_seconds=0.0)  # fmt: skip
                    session.add(row)
                else:
                    _touch(row, now)
                session.flush()
                return _draft(row)
        except IntegrityError:  # opened in another tab at the same moment
            found = self.draft(submission_id, reviewer_id)
            if found is None:
                raise
            return found

    def save_draft(self, submission_id: int, reviewer_id: int, version: int, data: str,
                   scorecard_id: int | None = None) -> Draft:  # fmt: skip
        """Store the ratings typed so far over ``version`` (a submitted review goes back to
        in progress until submitted again); ``scorecard_id`` moves the draft to another grade
        of the submission (a review confirmed or redone after a regrade)."""
        with self._transaction() as session:
            row = self._editable(session, submission_id, reviewer_id, version)
            row.data, row.version, row.submitted_at = data, row.version + 1, None
            if scorecard_id is not None:
                row.scorecard_id = scorecard_id
            _touch(row, utc_now())
            session.flush()
            return _draft(row)

    def heartbeat(self, submission_id: int, reviewer_id: int) -> None:
        """The reviewer is still at it (the page's keys and clicks): count the time."""
        with self._transaction() as session:
            row = self._row(session, submission_id, reviewer_id)
            if row is not None:
                _touch(row, utc_now())

    def submit_draft(self, submission_id: int, reviewer_id: int, version: int,
                     review: Review) -> Draft:  # fmt: skip
        """Store ``review`` (made from this draft) as the reviewer's review of the draft's
        scorecard, replacing an earlier one of theirs (an amendment), with the time spent."""
        with self._transaction() as session:
            row = self._editable(session, submission_id, reviewer_id, version)
            now = utc_now()
            _touch(row, now)
            rated = (ReviewRow.scorecard_id == row.scorecard_id) & (
                ReviewRow.reviewer == review.reviewer
            )
            stored = session.scalar(select(ReviewRow).where(rated))
            if stored is None:
                stored = ReviewRow(scorecard_id=row.scorecard_id, reviewer=review.reviewer)
                session.add(stored)
            stored.data, stored.submitted_at = review.model_dump_json(), review.submitted_at
            stored.seconds = round(row.active_seconds, 1)
            row.version, row.submitted_at = row.version + 1, now
            session.flush()
            return _draft(row)
