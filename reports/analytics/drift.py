"""Drift: each reviewer's offset over their last reviews and a two-sided CUSUM alarm.

A review is everything one reviewer rated on one submission; its offset is the mean residual
of its ratings against the co-reviewers (``leniency.residuals``), in rating order (``rated_at``,
else the order given). The CUSUM accumulates offsets beyond ``K`` levels (half the shift it is
built to catch, a third of a level) and alarms past ``H`` standard deviations of a review's
offset (each reviewer's own, from successive differences, so a shift does not inflate it).
The target is 0, the team: a reviewer alarms when their offset stays more than ``K`` away from
their co-reviewers for long enough, whether they drifted there or rated that way from the
start (then the leniency report says so too); ``alarm_at`` tells which.
``benchmarks/calibration.py`` prints what these constants give on simulated reviewers: the
false-alarm rate of calibrated reviewers over 500 reviews and the delay to catch a shift of a
third of a level (``H = 10``: 2 of 200 calibrated reviewers alarmed within 500 reviews; a
third of a level caught after a median of 24 reviews, 90th percentile 44, 69% within 30).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from reports.analytics.leniency import MIN_RATINGS, Residuals, residuals
from reports.analytics.records import RatingRecord

WINDOW = 30
"""Reviews in the recent-offset window."""
SHIFT = 1 / 3
K = SHIFT / 2
H = 10.0
_EPOCH = datetime.min


@dataclass(frozen=True)
class Drift:
    reviewer: str
    reviews: int
    recent: float
    """Mean offset over the last ``WINDOW`` reviews."""
    recent_reviews: int
    series: list[float]
    """The offset of each review, oldest first."""
    alarm_at: int | None
    """The review (1-based, counting the reviewer's own) at which the CUSUM first alarmed."""
    direction: str | None
    """"lenient" or "strict": the way the alarm went."""

    @property
    def shown(self) -> bool:
        return self.reviews >= MIN_RATINGS


def cusum(
    series: list[float], sigma: float, k: float = K, h: float = H
) -> tuple[int | None, str | None]:
    """The first review (1-based) where the two-sided CUSUM of ``series`` passes ``h * sigma``."""
    high = low = 0.0
    limit = h * sigma
    for i, x in enumerate(series, start=1):
        high = max(0.0, high + x - k)
        low = max(0.0, low - x - k)
        if high > limit:
            return i, "lenient"
        if low > limit:
            return i, "strict"
    return None, None


def spread(series: list[float]) -> float:
    """The sd of one review's offset from successive differences (insensitive to a shift)."""
    if len(series) < 3:
        return 0.0
    return float(np.sqrt(np.mean(np.square(np.diff(series))) / 2))


def review_series(
    ratings: list[RatingRecord], found: Residuals | None = None
) -> tuple[dict[str, list[float]], float]:
    """Each reviewer's review offsets in time order, and the pooled sd of a review's offset."""
    found = residuals(ratings) if found is None else found
    reviews: dict[tuple[int, str], list[float]] = defaultdict(list)
    when: dict[tuple[int, str], tuple[datetime, int]] = {}
    for position, residual, who in zip(
        found.order, found.residual, found.reviewer_index, strict=True
    ):
        rating = ratings[position]
        key = (int(who), rating.submission)
        reviews[key].append(float(residual))
        moment = rating.rated_at.replace(tzinfo=None) if rating.rated_at else _EPOCH
        when[key] = min(when.get(key, (moment, position)), (moment, position))
    series: dict[str, list[float]] = {name: [] for name in found.reviewers}
    deviations: list[float] = []
    for key in sorted(reviews, key=lambda key: (key[0], when[key])):
        offset = sum(reviews[key]) / len(reviews[key])
        series[found.reviewers[key[0]]].append(offset)
        deviations.append(offset - float(found.raw[key[0]]))
    sigma = float(np.sqrt(np.mean(np.square(deviations)))) if deviations else 0.0
    return series, sigma


def drift(
    ratings: list[RatingRecord], k: float = K, h: float = H, found: Residuals | None = None
) -> list[Drift]:
    """Every reviewer's recent offset and CUSUM alarm, alarms first."""
    series, _ = review_series(ratings, found)
    result = []
    for name, offsets in series.items():
        own = spread(offsets)
        alarm, direction = cusum(offsets, own, k, h) if own > 0 else (None, None)
        recent = offsets[-WINDOW:]
        result.append(Drift(name, len(offsets), float(np.mean(recent)) if recent else 0.0,
                            len(recent), offsets, alarm, direction))  # fmt: skip
    return sorted(result, key=lambda d: (d.alarm_at is None, d.reviewer))
