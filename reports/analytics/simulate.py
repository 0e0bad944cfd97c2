"""Ratings generated from known reviewers: for the tests, the benchmark and tuning the alarm.

A submission has a true quality per row (on the level scale); a reviewer rates it as the
quality plus their offset (plus a drift from a given review on), plus noise, rounded and kept
within 1-4. Seeded: the same arguments give the same ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from reports.analytics.records import MAX_LEVEL, MIN_LEVEL, RatingRecord

START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SimulatedReviewer:
    name: str
    offset: float = 0.0
    noise: float = 0.5
    drift: float = 0.0
    drift_from: int = 0
    """The drift is added from this review (0-based, the reviewer's own count) on."""


def simulate(
    reviewers: list[SimulatedReviewer],
    submissions: int,
    criteria: tuple[str, ...] = ("design", "testing", "docs", "naming"),
    per_submission: int = 2,
    seed: int = 0,
    spread: float = 0.8,
) -> list[RatingRecord]:
    """Ratings of ``submissions`` submissions, each by ``per_submission`` reviewers drawn at
    random from ``reviewers``, in time order."""
    rng = np.random.default_rng(seed)
    done = [0] * len(reviewers)
    ratings = []
    for s in range(submissions):
        quality = rng.normal(2.5, spread, len(criteria))
        chosen = rng.choice(len(reviewers), size=per_submission, replace=False)
        for slot, i in enumerate(sorted(chosen)):
            who = reviewers[i]
            shift = who.offset + (who.drift if done[i] >= who.drift_from else 0.0)
            noise = rng.normal(0.0, who.noise, len(criteria))
            levels = np.clip(np.rint(quality + shift + noise), MIN_LEVEL, MAX_LEVEL)
            at = START + timedelta(hours=s, minutes=slot)
            ratings += [
                RatingRecord(f"sub-{s:05d}", who.name, row, int(level), at)
                for row, level in zip(criteria, levels, strict=True)
            ]
            done[i] += 1
    return ratings
