"""Borderline cases, reviewer pairs, per-test pass rates and human levels against the
automatic scores."""

from __future__ import annotations

import pytest

from graders.hidden_suite import CaseStatus
from reports.analytics.borderline import borderline, pair_agreement
from reports.analytics.cohort import human_vs_automatic, pass_rates, spearman
from reports.analytics.records import RatingRecord


def rated(submission, criterion, **levels):
    return [RatingRecord(submission, who, criterion, level) for who, level in levels.items()]


def test_borderline_cases_are_the_widest_disagreements_per_row():
    ratings = [
        *rated("calm", "design", a=3, b=3),
        *rated("split", "design", a=1, b=4),
        *rated("near", "design", a=2, b=3),
        *rated("wide", "design", a=1, b=3, c=2),
        *rated("split", "docs", a=2, b=4),
        *rated("alone", "docs", a=1),
    ]
    cases = borderline(ratings, per_row=2)
    assert [(c.criterion, c.submission, c.spread) for c in cases] == [
        ("design", "split", 3), ("design", "wide", 2), ("docs", "split", 2)
    ]  # fmt: skip
    assert cases[0].levels == {"a": 1, "b": 4}


def test_pairs_count_the_rows_both_rated_and_how_often_they_agree():
    ratings = [*rated("s1", "design", a=3, b=3), *rated("s1", "docs", a=4, b=2),
               *rated("s2", "design", a=2, c=2)]  # fmt: skip
    pairs = {(p.first, p.second): p for p in pair_agreement(ratings)}
    assert set(pairs) == {("a", "b"), ("a", "c")}
    assert (pairs[("a", "b")].units, pairs[("a", "b")].exact) == (2, 0.5)
    assert pairs[("a", "b")].mean_difference == 1.0
    assert not pairs[("a", "b")].trusted


def card(scorecard, sid, statuses, auto):
    results = [
        case.model_copy(update={
            "status": statuses[i],
            "score": case.max_score if statuses[i] is CaseStatus.PASSED else 0.0,
        })
        for i, case in enumerate(scorecard.tests.results)
    ]  # fmt: skip
    return scorecard.model_copy(update={
        "submission": scorecard.submission.model_copy(update={"id": sid}),
        "tests": scorecard.tests.model_copy(update={"results": results}),
        "auto_score": auto,
    })  # fmt: skip


def test_pass_rates_flag_tests_no_one_or_everyone_passes(hostile_scorecard):
    n = len(hostile_scorecard.tests.results)
    assert n >= 3
    P, F = CaseStatus.PASSED, CaseStatus.FAILED
    cards = [card(hostile_scorecard, f"s{i}", [P, F] + [P if i % 2 else F] * (n - 2), 1.0)
             for i in range(4)]  # fmt: skip
    rates = {t.node_id: t for t in pass_rates(cards)}
    first, second, third = (rates[c.node_id] for c in hostile_scorecard.tests.results[:3])
    assert (first.passed, first.runs, first.flag) == (4, 4, "everyone passes")
    assert (second.passed, second.flag) == (0, "no one passes")
    assert (third.rate, third.flag) == (0.5, None)


def test_human_levels_are_rank_correlated_with_the_automatic_score(hostile_scorecard):
    cards = [card(hostile_scorecard, f"s{i}", [CaseStatus.PASSED] * len(
        hostile_scorecard.tests.results), float(i)) for i in range(12)]  # fmt: skip
    ratings = [r for i in range(12) for r in rated(f"s{i}", "design", a=1 + i // 3, b=1 + i // 3)]
    found = {c.against: c for c in human_vs_automatic(ratings, cards)}
    assert found["total"].rho == pytest.approx(
        spearman(list(range(12)), [i // 3 for i in range(12)])
    )
    assert found["total"].rho > 0.9
    assert found["total"].submissions == 12
    assert found["total"].trusted


def test_spearman_uses_average_ranks_for_ties():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2, 2], [1, 2, 3, 4]) == pytest.approx(0.8944271909999159)
    assert spearman([1, 1, 1], [1, 2, 3]) is None
