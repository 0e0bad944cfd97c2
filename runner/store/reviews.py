"""Reviews and decisions: each reviewer rates a scorecard once, a scorecard is decided once, and
a decision is stored in the same transaction as the finalized scorecard it completes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reports.scorecard import Review, Scorecard
from runner.store.base import StoreBase
from runner.store.models import DecisionRow, ReviewRow, RunRow, ScorecardRow, StoreError


class ReviewRecords(StoreBase):
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
        """Every review of the scorecard, in the order they were submitted."""
        with self._transaction(write=False) as session:
            rows = session.execute(
                select(ReviewRow.id, ReviewRow.data)
                .where(ReviewRow.scorecard_id == scorecard_id)
                .order_by(ReviewRow.submitted_at, ReviewRow.id)
            ).all()
        return [self._stored(Review, f"review {row.id}", row.data) for row in rows]

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
