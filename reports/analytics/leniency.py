"""Leniency per reviewer: the average offset from co-reviewers on the same submissions, shrunk
toward 0 by an empirical-Bayes estimate, with an interval and a -4..+4 score.

Each rating's residual is its level minus the mean of the other reviewers' levels on the same
submission and row, those levels first corrected by their reviewers' own offsets (a few
alternating passes), so a sparse design where a reviewer often meets a strict partner does not
make them look lenient. A reviewer's raw offset is the mean residual; with its standard error
``s/sqrt(n)`` and the spread of true offsets ``tau^2`` estimated by moments across reviewers,
the shrunken offset is ``(1 - B) * raw`` with ``B = se^2 / (tau^2 + se^2)`` (a normal-normal
model), and its interval uses Morris's (1983) variance, ``se^2 (1 - (k-1)/k B) + 2/(k-3) B^2
raw^2`` for k reviewers, so that a team whose estimated spread is 0 does not get intervals of
width 0 (the plain posterior ``(1 - B) se^2`` ignores that tau^2 is itself estimated).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reports.analytics.records import RatingRecord

MIN_RATINGS = 30
"""Below this, a reviewer's leniency is "not enough ratings yet" (with the count)."""
SCORE_PER_LEVEL = 4.0
"""The -4..+4 score: a quarter of a level of offset per point, +-4 from one whole level on."""
PASSES = 8
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Leniency:
    reviewer: str
    ratings: int
    """Ratings with at least one co-reviewer: what the offset rests on."""
    raw: float
    offset: float
    low: float
    high: float

    @property
    def shown(self) -> bool:
        return self.ratings >= MIN_RATINGS

    @property
    def score(self) -> float:
        """-4 (far too strict) .. 0 (calibrated) .. +4 (far too lenient)."""
        return float(np.clip(round(self.offset * SCORE_PER_LEVEL, 1), -4.0, 4.0))


@dataclass(frozen=True)
class Residuals:
    """Each co-rated rating's offset from its co-reviewers, with its reviewer's index."""

    reviewers: list[str]
    reviewer_index: np.ndarray
    residual: np.ndarray
    order: list[int]
    """Indices into the ratings given: which rating each residual belongs to."""
    raw: np.ndarray
    """Each reviewer's raw offset (the fixed point of the alternating passes)."""


def residuals(ratings: list[RatingRecord]) -> Residuals:
    """The residuals of every rating made alongside another reviewer's."""
    reviewers = sorted({r.reviewer for r in ratings})
    index = {name: i for i, name in enumerate(reviewers)}
    unit_of: dict[tuple[str, str], int] = {}
    for r in ratings:
        unit_of.setdefault((r.submission, r.criterion), len(unit_of))
    unit = np.array([unit_of[(r.submission, r.criterion)] for r in ratings], dtype=np.int64)
    who = np.array([index[r.reviewer] for r in ratings], dtype=np.int64)
    level = np.array([r.level for r in ratings], dtype=np.float64)
    size = np.bincount(unit, minlength=len(unit_of))[unit]
    keep = size >= 2
    unit, who, level, size = unit[keep], who[keep], level[keep], size[keep]
    theta = np.zeros(len(reviewers))
    residual = np.zeros(len(level))
    count = np.bincount(who, minlength=len(reviewers)).astype(np.float64)
    for _ in range(PASSES):
        adjusted = level - theta[who]
        total = np.bincount(unit, weights=adjusted, minlength=len(unit_of))[unit]
        others = (total - adjusted) / (size - 1)
        residual = level - others
        sums = np.bincount(who, weights=residual, minlength=len(reviewers)).astype(np.float64)
        theta = np.divide(sums, count, out=np.zeros_like(sums), where=count > 0)
        if count.sum() > 0:
            theta = theta - np.average(theta, weights=count + (count == 0))
    return Residuals(reviewers, who, residual, list(np.flatnonzero(keep)), theta)


def leniency(ratings: list[RatingRecord], found: Residuals | None = None) -> list[Leniency]:
    """Every reviewer's shrunken offset, most lenient first (``found``: the ratings'
    residuals, when already computed)."""
    found = residuals(ratings) if found is None else found
    k = len(found.reviewers)
    count = np.bincount(found.reviewer_index, minlength=k).astype(np.float64)
    if not len(found.residual):
        return [Leniency(name, 0, 0.0, 0.0, 0.0, 0.0) for name in found.reviewers]
    centred = found.residual - found.raw[found.reviewer_index]
    dof = max(len(centred) - int((count > 0).sum()), 1)
    variance = float((centred**2).sum()) / dof
    se2 = np.divide(variance, count, out=np.full(k, np.inf), where=count > 0)
    rated = count > 0
    spread = float(np.var(found.raw[rated])) if rated.sum() > 1 else 0.0
    tau2 = max(spread - float(np.mean(se2[rated])), 0.0) if rated.any() else 0.0
    se_rated = np.where(rated, se2, 1.0)
    prior = np.divide(
        se_rated, tau2 + se_rated, out=np.ones(k), where=rated & (tau2 + se_rated > 0)
    )
    offset = (1 - prior) * found.raw
    reviewers = int(rated.sum())
    if reviewers > 3:  # Morris (1983): the uncertainty of tau^2 widens the interval
        variance_of = se_rated * (1 - (reviewers - 1) / reviewers * prior)
        variance_of = variance_of + 2 / (reviewers - 3) * prior**2 * found.raw**2
    else:
        variance_of = se_rated * (1 - prior)
    sd = np.sqrt(np.where(rated, variance_of, 0.0))
    result = [
        Leniency(name, int(count[i]), float(found.raw[i]), float(offset[i]),
                 float(offset[i] - Z95 * sd[i]), float(offset[i] + Z95 * sd[i]))
        for i, name in enumerate(found.reviewers)
    ]  # fmt: skip
    return sorted(result, key=lambda x: (-x.offset, x.reviewer))
