"""The store's completed reviews as plain rating records, for the calibration report
(``reports.analytics``): one record per rated level, with the scorecards they rate, and the
invitations with what became of them (the funnel).

A read-only view opened on the same database as ``runner.store.runs.Store`` (the same
``open``); nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from reports.analytics.funnel import FunnelRecord
from reports.analytics.records import RatingRecord
from reports.scorecard import Review, Scorecard
from runner.store.base import StoreBase
from runner.store.models import (
    DecisionRow,
    InvitationRow,
    ReviewRow,
    RunRow,
    ScorecardRow,
    SubmissionRow,
)


class RatingRecords(StoreBase):
    def completed_ratings(
        self, challenge: str | None = None, since: datetime | None = None,
        name: Callable[[int], str] | None = None,
    ) -> tuple[list[RatingRecord], list[Scorecard]]:  # fmt: skip
        """Every level of every stored review (of ``challenge``, submitted at or after
        ``since``) in the order submitted, and the scorecards reviewed. A submission is named
        by its scorecard's submission id, or ``name`` of the store's submission number (the
        review app's blind names); where it was regraded and reviewed again, the latest
        reviewed scorecard stands for it."""
        query = (
            select(ReviewRow.id, ReviewRow.data, ReviewRow.submitted_at, ScorecardRow.id,
                   ScorecardRow.data, RunRow.submission_id)
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
        names: dict[int, str] = {}
        reviews: list[tuple[int, Review]] = []
        for review_id, review_data, _, card_id, card_data, submission in rows:
            if card_id not in cards:
                cards[card_id] = self._card(card_id, card_data)
                names[card_id] = cards[card_id].submission.id if name is None else name(submission)
            reviews.append((card_id, self._stored(Review, f"review {review_id}", review_data)))
        latest = {names[card_id]: card_id for card_id in sorted(cards)}
        ratings = [
            RatingRecord(names[card_id], review.reviewer, rating.row, rating.level,
                         review.submitted_at)
            for card_id, review in reviews
            if latest[names[card_id]] == card_id
            for rating in review.ratings
            if rating.level is not None
        ]  # fmt: skip
        return ratings, [cards[card_id] for card_id in sorted(set(latest.values()))]

    def funnel_records(
        self, challenge: str | None = None, since: datetime | None = None
    ) -> list[FunnelRecord]:
        """Every invitation (of ``challenge``, created at or after ``since``) with the times
        its candidate opened it, submitted, was first graded (a scorecard after the
        invitation was used), first and last reviewed, and decided."""
        invitations = select(InvitationRow)
        if challenge is not None:
            invitations = invitations.where(InvitationRow.challenge_id == challenge)
        if since is not None:
            invitations = invitations.where(InvitationRow.created_at >= since)
        reviews = (
            select(ReviewRow.scorecard_id, func.min(ReviewRow.submitted_at).label("first"),
                   func.max(ReviewRow.submitted_at).label("last"))
            .group_by(ReviewRow.scorecard_id).subquery()
        )  # fmt: skip
        graded = (
            select(SubmissionRow.challenge_id, SubmissionRow.alias, ScorecardRow.id,
                   ScorecardRow.created_at, reviews.c.first, reviews.c.last,
                   DecisionRow.decided_at)
            .join(RunRow, RunRow.submission_id == SubmissionRow.id)
            .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
            .outerjoin(reviews, reviews.c.scorecard_id == ScorecardRow.id)
            .outerjoin(DecisionRow, DecisionRow.scorecard_id == ScorecardRow.id)
            .order_by(ScorecardRow.id)
        )  # fmt: skip
        with self._transaction(write=False) as session:
            invited = session.scalars(invitations.order_by(InvitationRow.created_at)).all()
            spent: dict[int, list[float]] = {}
            timed = ReviewRow.seconds.is_not(None)
            for card_id, seconds in session.execute(
                select(ReviewRow.scorecard_id, ReviewRow.seconds).where(timed)
            ).all():
                spent.setdefault(card_id, []).append(float(seconds or 0.0))
            cards: dict[tuple[str, str], list[Any]] = {}
            for row in session.execute(graded).all():
                cards.setdefault((row[0], row[1]), []).append(row)
        records = []
        for inv in invited:
            after = inv.scorecards_before or 0
            mine = [row for row in cards.get((inv.challenge_id, inv.alias), [])
                    if inv.used_at is not None and row[2] > after]  # fmt: skip
            records.append(FunnelRecord(
                invited=inv.created_at, opened=inv.opened_at, submitted=inv.used_at,
                graded=mine[0][3] if mine else None, reviewed=_earliest(mine, 4),
                last_review=max((row[5] for row in mine if row[5] is not None), default=None),
                decided=_earliest(mine, 6),
                review_seconds=tuple(x for row in mine for x in spent.get(row[2], [])),
            ))  # fmt: skip
        return records


def _earliest(rows: list[Any], column: int) -> datetime | None:
    found = [row[column] for row in rows if row[column] is not None]
    return min(found) if found else None
