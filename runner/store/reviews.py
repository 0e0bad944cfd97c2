"""Reviews and decisions: each reviewer rates a scorecard once, a scorecard is decided once, and
a decision is stored in the same transaction as the finalized scorecard it completes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reports.scorecard import Review, Scorecard
from runner.store.base import StoreBase, same_grade, utc_now
from runner.store.models import (
    AuditRow,
    DecisionRow,
    ReviewRow,
    RunRow,
    ScorecardRow,
    StoreError,
)


class ReviewRecords(StoreBase):
    def _open_scorecard(self, session: Session, scorecard_id: int) -> ScorecardRow:
        row = session.get(ScorecardRow, scorecard_id)
        if row is None:
            raise StoreError(f"scorecard {scorecard_id} does not exist")
        if session.scalar(select(DecisionRow.id).where(DecisionRow.scorecard_id == scorecard_id)):
            raise StoreError(f"scorecard {scorecard_id} is already decided")
        return row

    def add_review(self, scorecard_id: int, review: Review, amend: bool = False) -> int:
        """Store one reviewer's ratings; each reviewer rates a scorecard once, and may
        ``amend`` (replace) those ratings until the scorecard is decided. The review's id."""
        try:
            with self._transaction() as session:
                self._open_scorecard(session, scorecard_id)
                mine = (ReviewRow.scorecard_id == scorecard_id) & (
                    ReviewRow.reviewer == review.reviewer
                )
                row = session.scalar(select(ReviewRow).where(mine)) if amend else None
                if amend and row is None:
                    raise StoreError(f"{review.reviewer} has not rated scorecard {scorecard_id} "
                                     "yet: nothing to amend")  # fmt: skip
                if row is None:
                    row = ReviewRow(scorecard_id=scorecard_id, reviewer=review.reviewer)
                    session.add(row)
                row.data, row.submitted_at = review.model_dump_json(), review.submitted_at
                session.flush()
                return row.id
        except IntegrityError:
            raise StoreError(
                f"{review.reviewer} has already rated scorecard {scorecard_id} (--amend "
                "replaces those ratings)"
            ) from None

    def find_scorecard(self, card: Scorecard) -> int | None:
        """The id of this very scorecard in the store (a report file whose card a worker or
        an earlier review stored), or None. Matched on the whole card: a file regraded since
        is another card."""
        with self._transaction(write=False) as session:
            return session.scalar(
                select(ScorecardRow.id)
                .join(RunRow, ScorecardRow.run_id == RunRow.id)
                .where(RunRow.commit == card.provenance.commit,
                       ScorecardRow.data == card.model_dump_json())
                .order_by(ScorecardRow.id)
                .limit(1)
            )  # fmt: skip

    def reviews_of(self, scorecard_id: int) -> list[Review]:
        """The reviews of this grade, the newest of each reviewer, in the order submitted:
        of this scorecard or of another grade of the same submission at the same commit and
        suite (a regrade that reproduced it). A review of another commit or suite is stale
        and is not among them: it rated other code or other tests."""
        with self._transaction(write=False) as session:
            grade = same_grade(session, scorecard_id)
            if grade is None:
                return []
            rows = session.execute(
                select(ReviewRow.id, ReviewRow.reviewer, ReviewRow.data)
                .join(ScorecardRow, ScorecardRow.id == ReviewRow.scorecard_id)
                .join(RunRow, RunRow.id == ScorecardRow.run_id)
                .where(grade)
                .order_by(ReviewRow.submitted_at, ReviewRow.id)
            ).all()  # fmt: skip
        newest = {row.reviewer: row for row in rows}  # later rows win
        kept = sorted(newest.values(), key=lambda row: rows.index(row))
        return [self._stored(Review, f"review {row.id}", row.data) for row in kept]

    def review_seconds(self, scorecard_id: int) -> dict[str, float]:
        """Time to review per reviewer of this scorecard (reviews made in the review app)."""
        with self._transaction(write=False) as session:
            rows = session.execute(
                select(ReviewRow.reviewer, ReviewRow.seconds).where(
                    ReviewRow.scorecard_id == scorecard_id, ReviewRow.seconds.is_not(None)
                )
            ).all()
        return {row.reviewer: float(row.seconds) for row in rows}

    def has_finished_work(self, scorecard_id: int) -> bool:
        """Whether anyone reviewed or decided the scorecard: work a new grade must not replace."""
        with self._transaction(write=False) as session:
            reviewed = session.scalar(
                select(ReviewRow.id).where(ReviewRow.scorecard_id == scorecard_id).limit(1)
            )
            decided = session.scalar(
                select(DecisionRow.id).where(DecisionRow.scorecard_id == scorecard_id)
            )
        return reviewed is not None or decided is not None

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

    def reopen(self, scorecard_id: int, partial: Scorecard, actor: str, reason: str) -> None:
        """Undo the decision of a scorecard: the decision row goes, the card goes back to
        ``partial`` (``reports.reopening``), and the audit log keeps what was undone, all in
        one transaction."""
        with self._transaction() as session:
            row = session.get(ScorecardRow, scorecard_id)
            decided = session.scalar(
                select(DecisionRow).where(DecisionRow.scorecard_id == scorecard_id)
            )
            if row is None or decided is None:
                raise StoreError(f"scorecard {scorecard_id} is not decided: nothing to reopen")
            undone = {"recommendation": decided.recommendation, "reason": decided.reason,
                      "decided_by": decided.decided_by, "why": reason}  # fmt: skip
            session.delete(decided)
            row.data = partial.model_dump_json()
            row.status, row.score = partial.status.value, partial.score
            session.add(AuditRow(at=utc_now(), actor=actor, action="reopen",
                                 subject=f"scorecard {scorecard_id}", detail=undone))  # fmt: skip
