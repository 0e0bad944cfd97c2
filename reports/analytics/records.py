"""The plain records the analytics read: one rating of one rubric row by one reviewer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

MIN_LEVEL = 1
MAX_LEVEL = 4
LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class RatingRecord:
    """A level (1-4) a reviewer gave a submission on one human rubric row."""

    submission: str
    reviewer: str
    criterion: str
    level: int
    rated_at: datetime | None = None


def by_criterion(ratings: list[RatingRecord]) -> dict[str, list[RatingRecord]]:
    """The ratings of each rubric row, rows in order of first appearance."""
    rows: dict[str, list[RatingRecord]] = defaultdict(list)
    for rating in ratings:
        rows[rating.criterion].append(rating)
    return dict(rows)


def units(ratings: list[RatingRecord]) -> dict[tuple[str, str], list[RatingRecord]]:
    """The ratings of each (submission, row): the units reviewers agree or disagree on."""
    found: dict[tuple[str, str], list[RatingRecord]] = defaultdict(list)
    for rating in ratings:
        found[(rating.submission, rating.criterion)].append(rating)
    return dict(found)
