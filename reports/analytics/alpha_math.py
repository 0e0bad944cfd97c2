"""Ordinal Krippendorff's alpha from per-unit value counts, vectorized over many weightings.

The point estimate of the report is the ``krippendorff`` package's own; this module recomputes
the same quantity from the coincidences each unit contributes, so that a bootstrap replicate (a
multiset of units: a weight per unit) or a jackknife replicate (one unit left out) is a matrix
product instead of a new call. ``tests/reports/analytics`` checks both agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from reports.analytics.records import LEVELS

Floats = npt.NDArray[np.float64]
V = len(LEVELS)


def value_counts(matrix: Floats) -> npt.NDArray[np.int64]:
    """Units x levels: how many reviewers gave each level to each unit (reviewers x units in)."""
    domain = np.asarray(LEVELS, dtype=np.float64)
    counts: npt.NDArray[np.int64] = (matrix.T[:, :, None] == domain[None, None, :]).sum(axis=1)
    return counts


def unit_coincidences(counts: npt.NDArray[np.int64]) -> Floats:
    """Units x (V*V): each pairable unit's share of the coincidence matrix, flattened."""
    c = counts.astype(np.float64)
    m = c.sum(axis=1)
    outer = c[:, :, None] * c[:, None, :] - c[:, :, None] * np.eye(V)[None, :, :]
    share: Floats = outer / np.maximum(m - 1, 1)[:, None, None]
    return share.reshape(len(c), V * V)


def alpha_from_coincidences(o_flat: Floats) -> Floats:
    """Ordinal alpha of each row of ``o_flat`` (replicates x V*V); NaN where undefined."""
    o = o_flat.reshape(-1, V, V)
    n_v = o.sum(axis=1)
    n = n_v.sum(axis=1)
    cum = np.concatenate([np.zeros((len(o), 1)), np.cumsum(n_v, axis=1)], axis=1)
    low = np.minimum.outer(np.arange(V), np.arange(V))
    high = np.maximum.outer(np.arange(V), np.arange(V))
    between = cum[:, high + 1] - cum[:, low]
    d = (between - (n_v[:, :, None] + n_v[:, None, :]) / 2) ** 2
    e = (n_v[:, :, None] * n_v[:, None, :] - n_v[:, :, None] * np.eye(V)[None]) / np.maximum(
        n - 1, 1
    )[:, None, None]
    observed = (o * d).sum(axis=(1, 2))
    expected = (e * d).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        result: Floats = np.where(expected > 0, 1 - observed / expected, np.nan)
    return result


def pair_rates(counts: npt.NDArray[np.int64]) -> tuple[float, float, int]:
    """Exact and adjacent (within one level) agreement over every pair of ratings of a unit,
    and the number of such pairs."""
    c = counts.astype(np.float64)
    m = c.sum(axis=1)
    pairs = float((m * (m - 1) / 2).sum())
    if pairs == 0:
        return float("nan"), float("nan"), 0
    exact = float((c * (c - 1) / 2).sum())
    neighbours = float((c[:, :-1] * c[:, 1:]).sum())
    return exact / pairs, (exact + neighbours) / pairs, int(pairs)
