"""Agreement per row: the package's ordinal alpha on the reviewers x submissions matrix, the
vectorized recomputation the bootstrap uses, a BCa interval that covers, the agreement rates."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest

from reports.analytics.agreement import (
    bootstrap_interval,
    reliability_matrix,
    row_agreement,
)
from reports.analytics.alpha_math import alpha_from_coincidences, unit_coincidences, value_counts
from reports.analytics.records import RatingRecord, by_criterion
from reports.analytics.simulate import SimulatedReviewer, simulate

REVIEWERS = [SimulatedReviewer(f"r{i:02d}", offset=(i - 10) / 20) for i in range(20)]


@pytest.fixture(scope="module")
def sparse():
    """A sparse 2-of-20 design, one row."""
    return by_criterion(simulate(REVIEWERS, 400, seed=3))["design"]


def test_alpha_is_the_packages_ordinal_alpha_on_reviewers_by_submissions(sparse):
    reviewers, submissions, matrix = reliability_matrix(sparse)
    assert matrix.shape == (len(reviewers), len(submissions)) == (20, 400)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    found = row_agreement("design", sparse)
    assert found.alpha == pytest.approx(expected, abs=1e-9)
    # the traps the package sets: interval by default, and a transposed matrix
    interval = krippendorff.alpha(reliability_data=matrix)
    transposed = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="ordinal")
    assert abs(found.alpha - interval) > 1e-4
    assert abs(found.alpha - transposed) > 1e-2
    assert found.units == 400
    assert found.ratings == 800


def test_the_vectorized_alpha_matches_the_package_with_three_reviewers_on_some_units():
    rng = np.random.default_rng(7)
    matrix = np.full((6, 50), np.nan)
    for unit in range(50):
        for who in rng.choice(6, size=2 + unit % 3, replace=False):
            matrix[who, unit] = rng.integers(1, 5)
    matrix[0, 49], matrix[1:, 49] = 2, np.nan  # a unit rated once counts for nothing
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal",
                                  value_domain=[1, 2, 3, 4])  # fmt: skip
    shares = unit_coincidences(value_counts(matrix))
    assert alpha_from_coincidences(shares.sum(axis=0)[None, :])[0] == pytest.approx(
        expected, abs=1e-9
    )


def test_the_bca_interval_covers_the_true_alpha_about_95_percent_of_the_time():
    """Coverage by simulation: 40 doubly-rated submissions, 200 data sets; the population's
    alpha from 200,000 submissions of the same model."""
    rng = np.random.default_rng(11)

    def counts(n):
        quality = rng.normal(2.5, 0.7, n)
        levels = np.clip(np.rint(quality[:, None] + rng.normal(0, 0.7, (n, 2))), 1, 4)
        return (levels[:, :, None] == np.arange(1, 5)[None, None, :]).sum(axis=1)

    truth = alpha_from_coincidences(unit_coincidences(counts(200_000)).sum(axis=0)[None])[0]
    hits = 0
    for seed in range(200):
        shares = unit_coincidences(counts(40))
        estimate = alpha_from_coincidences(shares.sum(axis=0)[None])[0]
        low, high = bootstrap_interval(shares, estimate, seed)
        hits += low <= truth <= high
    assert 0.89 <= hits / 200 <= 0.99


def test_exact_and_adjacent_agreement_count_pairs_of_ratings():
    ratings = [
        RatingRecord("a", "x", "row", 1), RatingRecord("a", "y", "row", 1),
        RatingRecord("b", "x", "row", 2), RatingRecord("b", "y", "row", 3),
        RatingRecord("c", "x", "row", 1), RatingRecord("c", "y", "row", 4),
        RatingRecord("d", "x", "row", 4),
    ]  # fmt: skip
    found = row_agreement("row", ratings)
    assert (found.pairs, found.units, found.ratings) == (3, 3, 7)
    assert found.exact == pytest.approx(1 / 3)
    assert found.adjacent == pytest.approx(2 / 3)
    assert not found.trusted  # 3 submissions: too few


def test_a_row_nobody_rated_twice_has_no_alpha():
    found = row_agreement(
        "row", [RatingRecord("a", "x", "row", 2), RatingRecord("b", "y", "row", 3)]
    )
    assert found.alpha is None
    assert found.units == 0
    assert found.exact is None
