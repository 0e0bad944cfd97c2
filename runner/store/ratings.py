"""The store's completed reviews as plain rating records, for the calibration report
(``reports.analytics``): one record per rated level, with the scorecards they rate.

A read-only view opened on the same database as ``runner.store.runs.Store`` (the same
``open``); nothing here writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from reports.analytics.records import RatingRecord
from reports.scorecard import Review, Scorecard
from runner.store.base import StoreBase
from runner.store.models import ReviewRow, RunRow, ScorecardRow, SubmissionRow


class RatingRecords(StoreBase):
    def completed_ratings(
        self, challenge: str | None = None, since: datetime | None = None
    ) -> tuple[list[RatingRecord], list[Scorecard]]:
        """Every level of every stored review (of ``challenge``, submitted at or after
        ``since``) in the order submitted, and the scorecards reviewed. A submission is named
        by its scorecard's submission id; where it was regraded and reviewed again, the
        latest reviewed scorecard stands for it."""
        query = (
            select(ReviewRow.id, ReviewRow.data, ReviewRow.submitted_at, ScorecardRow.id,
                   ScorecardRow.data)
            .join(ScorecardRow, ReviewRow.scorecard_id == ScorecardRow.id)
            .join(RunRow, ScorecardRow.run_id == RunRow.id)
            .join(SubmissionRow, RunRow.submission_id == SubmissionRow.id)
            .order_by(ReviewRow.submitted_at, ReviewRow.id)
        )  # fmt: skip
        if challenge is not None:
            query = query.where(SubmissionRow.challenge_id == challenge)
        if since is not None:
            query = query.where(ReviewRow.submitted_at >= since)
        with self._transaction(write=False) as session:
            rows = session.execute(query).all()
        cards: dict[int, Scorecard] = {}
        reviews: list[tuple[int, Review]] = []
        for review_id, review_data, _, card_id, card_data in rows:
            if card_id not in cards:
                cards[card_id] = self._card(card_id, card_data)
            reviews.append((card_id, self._stored(Review, f"review {review_id}", review_data)))
        latest = {card.submission.id: card_id for card_id, card in sorted(cards.items())}
        ratings = [
            RatingRecord(cards[card_id].submission.id, review.reviewer, rating.row,
                         rating.level, review.submitted_at)
            for card_id, review in reviews
            if latest[cards[card_id].submission.id] == card_id
            for rating in review.ratings
            if rating.level is not None
        ]  # fmt: skip
        return ratings, [cards[card_id] for card_id in sorted(set(latest.values()))]
