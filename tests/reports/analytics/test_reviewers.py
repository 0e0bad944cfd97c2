"""Leniency and drift on ratings generated from known reviewers: strict, lenient, noisy and
drifting ones in a sparse 2-of-20 design."""

from __future__ import annotations

import numpy as np
import pytest

from reports.analytics.drift import cusum, drift
from reports.analytics.leniency import MIN_RATINGS, leniency
from reports.analytics.records import RatingRecord
from reports.analytics.simulate import SimulatedReviewer, simulate

TRUE_OFFSETS = [-0.8, -0.6, -0.45, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8]
TEAM = [
    *(SimulatedReviewer(f"o{i:02d}", offset=o) for i, o in enumerate(TRUE_OFFSETS)),
    SimulatedReviewer("noisy-strict", offset=-0.7, noise=1.0),
    SimulatedReviewer("noisy-lenient", offset=0.7, noise=1.0),
    *(SimulatedReviewer(f"calm{i}") for i in range(4)),
    SimulatedReviewer("drifter", drift=0.6, drift_from=60),
]


def spearman(a, b):
    """Pearson's correlation of average ranks (ties share theirs), written out here."""

    def ranks(values):
        ordered = sorted(values)
        return [ordered.index(v) + (ordered.count(v) + 1) / 2 for v in values]

    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


@pytest.fixture(scope="module")
def ratings():
    return simulate(TEAM, 1500, per_submission=2, seed=42)


def test_reviewers_are_ranked_by_leniency_as_they_truly_are(ratings):
    found = {x.reviewer: x for x in leniency(ratings)}
    ranked = [r for r in TEAM if r.drift == 0]  # calibrated ones too (tied at 0)
    rho = spearman([r.offset for r in ranked], [found[r.name].offset for r in ranked])
    assert rho >= 0.95
    strict, lenient = found["o00"], found["o12"]
    assert strict.offset < 0 < lenient.offset
    assert strict.high < 0 < lenient.low  # the intervals exclude calibrated
    assert strict.score < -2
    assert lenient.score > 2
    assert strict.score >= -4
    assert lenient.score <= 4
    assert abs(lenient.offset) < abs(lenient.raw)  # shrunk toward 0


def test_few_ratings_are_not_shown_and_shrink_hard():
    team = [SimulatedReviewer(f"r{i}") for i in range(6)] + [SimulatedReviewer("new", offset=0.8)]
    ratings = [r for r in simulate(team, 300, seed=1)]
    kept, seen = [], 0
    for r in ratings:  # the newcomer keeps only their first 3 reviews (12 ratings)
        if r.reviewer == "new":
            seen += 1
            if seen > 12:
                continue
        kept.append(r)
    found = {x.reviewer: x for x in leniency(kept)}
    assert found["new"].ratings == 12 < MIN_RATINGS
    assert not found["new"].shown
    assert found["r0"].shown
    assert abs(found["new"].offset) < abs(found["new"].raw)


def test_the_drift_alarm_fires_on_the_drifting_reviewer_only(ratings):
    found = {d.reviewer: d for d in drift(ratings)}
    drifter = found["drifter"]
    assert drifter.alarm_at is not None
    assert drifter.direction == "lenient"
    assert 60 < drifter.alarm_at <= 60 + 40
    assert drifter.recent > 0.3
    assert drifter.recent_reviews == 30
    for name in ("calm0", "calm1", "calm2", "calm3", "o06"):
        assert found[name].alarm_at is None, name


def test_cusum_alarms_on_a_sustained_shift_and_not_on_noise():
    rng = np.random.default_rng(0)
    calm = list(rng.normal(0, 0.4, 500))
    assert cusum(calm, 0.4) == (None, None)
    shifted = calm[:100] + [x - 0.34 for x in calm[100:]]
    at, direction = cusum(shifted, 0.4)
    assert direction == "strict"
    assert 100 < at <= 140


def test_drift_follows_rated_at_not_the_order_given():
    early = [RatingRecord(f"s{i}", who, "row", 3 if who == "a" and i < 40 else 2,
                          rated_at=None) for i in range(80) for who in ("a", "b")]  # fmt: skip
    from datetime import UTC, datetime, timedelta

    dated = [
        RatingRecord(r.submission, r.reviewer, r.criterion, r.level,
                     datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=79 - int(r.submission[1:])))
        for r in early
    ]  # fmt: skip
    given = {d.reviewer: d for d in drift(early)}["a"].series
    by_time = {d.reviewer: d for d in drift(dated)}["a"].series
    assert given[0] > given[-1]
    assert by_time[0] < by_time[-1]


def test_a_calibrated_team_gets_offsets_near_0_with_intervals_that_are_not_points():
    team = [SimulatedReviewer(f"c{i:02d}") for i in range(20)]
    found = leniency(simulate(team, 400, seed=9))
    for x in found:
        assert x.low < 0 < x.high, x
        assert x.high - x.low > 0.02, x  # tau^2 estimated at 0 must not make it certain
        assert abs(x.score) <= 1
