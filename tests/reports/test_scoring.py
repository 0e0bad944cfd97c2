"""Rubric and measurements → scorecard: weights, fail-closed outcomes, partial status."""

from __future__ import annotations

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.hidden_suite import CaseStatus, unrun_measurement
from reports.scorecard import Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from tests.reports.conftest import measurement, provenance


def _card(challenge: Challenge, failing: dict[str, CaseStatus], outcome: Outcome) -> Scorecard:
    info = SubmissionInfo(id="s", source="/tmp/s", ref=None, commit="sha256:00")
    return build_scorecard(
        challenge, info, measurement(challenge, failing, outcome, "r"), provenance(challenge), []
    )


def _row(card: Scorecard, row_id: str):
    return next(row for row in card.criteria if row.id == row_id)


def test_all_passed_earns_every_auto_point_and_leaves_human_rows_open(kv_store):
    card = _card(kv_store, {}, Outcome.PASSED)
    assert card.tests.score == card.tests.max_score == 75
    assert card.auto_max_score == 85
    assert card.status == "partial"
    assert card.score is None
    human = [row for row in card.criteria if row.kind == "human"]
    assert [row.id for row in human] == [
        "organisation",
        "documentation",
        "design_reasoning",
        "testing_habits",
    ]
    assert all(row.score is None and row.level is None and len(row.levels) == 4 for row in human)


def test_weights_share_a_rows_points(kv_store):
    core = next(c for c in kv_store.rubric.auto if c.id == "core")
    heavy = next(name for name, weight in core.weights.items() if weight > 1)
    light = next(c.name for c in kv_store.groups["core"] if c.name not in core.weights)
    total_weight = sum(core.weights.get(c.name, 1.0) for c in kv_store.groups["core"])
    card_heavy = _card(kv_store, {heavy: CaseStatus.FAILED}, Outcome.TEST_FAILURES)
    card_light = _card(kv_store, {light: CaseStatus.FAILED}, Outcome.TEST_FAILURES)
    assert _row(card_heavy, "core").score == pytest.approx(
        core.points * (1 - core.weights[heavy] / total_weight), abs=0.01
    )
    assert _row(card_light, "core").score == pytest.approx(
        core.points * (1 - 1 / total_weight), abs=0.01
    )
    assert _row(card_heavy, "core").score < _row(card_light, "core").score
    entry = next(t for t in card_heavy.tests.results if t.name == heavy)
    assert entry.score == 0
    assert entry.max_score == pytest.approx(
        core.points * core.weights[heavy] / total_weight, abs=1e-3
    )


@pytest.mark.parametrize("outcome", [Outcome.TAMPER_SUSPECTED, Outcome.NO_REPORT])
def test_untrusted_reports_earn_nothing_even_when_tests_claim_to_pass(kv_store, outcome):
    card = _card(kv_store, {}, outcome)
    assert card.tests.score == 0
    assert card.auto_score == 0
    assert all(entry.score == 0 for entry in card.tests.results)
    assert "not counted" in _row(card, "core").detail


@pytest.mark.parametrize("outcome", [Outcome.INFRA_ERROR, Outcome.REPO_REJECTED])
def test_runs_that_never_happened_carry_no_score_rather_than_zero(kv_store, outcome):
    info = SubmissionInfo(id="s", source="/tmp/s", ref=None, commit="unknown")
    card = build_scorecard(
        kv_store,
        info,
        unrun_measurement(kv_store, outcome, "engine down"),
        provenance(kv_store),
        [],
    )
    assert card.auto_score is None
    assert card.tests.score is None
    assert card.score is None
    assert all(row.score is None for row in card.criteria)
    assert card.status == "partial"


def test_timeouts_keep_the_points_of_tests_that_passed(kv_store):
    first = kv_store.groups["ttl"][0].name
    card = _card(kv_store, {first: CaseStatus.TIMEOUT}, Outcome.TIMEOUT)
    assert 0 < _row(card, "ttl").score < 15
    assert card.tests.passed == card.tests.total - 1


def test_code_that_does_not_parse_gets_the_lowest_complexity_level(kv_store, tmp_path):
    from graders.complexity import measure_complexity
    from reports.scorecard import Measurements

    (tmp_path / "kvstore.py").write_text("def broken(:\n    pass\n")
    measured = Measurements(complexity=measure_complexity(tmp_path, None, 10))
    info = SubmissionInfo(id="s", source="/tmp/s", ref=None, commit="sha256:00")
    card = build_scorecard(
        kv_store,
        info,
        measurement(kv_store, {}, Outcome.CRASH, "r"),
        provenance(kv_store),
        [],
        measured,
    )
    row = _row(card, "complexity")
    assert row.level == 1
    assert row.score == pytest.approx(5 / 4)
    assert "could not be parsed" in row.detail
