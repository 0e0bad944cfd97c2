"""Rubric and measurements → scorecard: weights, fail-closed outcomes, partial status."""

from __future__ import annotations

from pathlib import Path

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.complexity import measure_complexity
from graders.hidden_suite import CaseStatus, unrun_measurement
from graders.lint import measure_lint
from reports.scorecard import Measurements, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from tests.reports.conftest import measurement, measurements, provenance


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


def _measured(tree: Path, starter: Path | None, challenge: Challenge) -> Measurements:
    """Real lint and complexity figures of ``tree``."""
    select = challenge.config.measure.lint_select
    return Measurements(
        lint=measure_lint(tree, starter, select), complexity=measure_complexity(tree, starter, 10)
    )


def _scored(
    challenge: Challenge, outcome: Outcome, measured: Measurements, results: str = "passed"
) -> Scorecard:
    """A scorecard whose tests all report ``results`` ("passed" or "not run")."""
    info = SubmissionInfo(id="s", source="/tmp/s", ref=None, commit="sha256:00")
    suite = measurement(challenge, {}, outcome, "r")
    if results == "not run":
        suite = unrun_measurement(challenge, outcome, "r")
    return build_scorecard(challenge, info, suite, provenance(challenge), [], measured)


MEASURED_ROWS = ("lint", "complexity")


def test_the_solutions_measured_rows_earn_their_points(kv_store):
    card = _scored(kv_store, Outcome.PASSED, measurements(kv_store))
    assert [_row(card, row).score for row in MEASURED_ROWS] == [5.0, 5.0]
    assert card.auto_score == card.auto_max_score == 85


@pytest.mark.parametrize("outcome", [Outcome.TAMPER_SUSPECTED, Outcome.NO_REPORT])
def test_untrusted_runs_earn_nothing_on_measured_rows_either(kv_store, outcome):
    card = _scored(kv_store, outcome, measurements(kv_store))
    auto = [row for row in card.criteria if row.kind == "auto"]
    assert [row.score for row in auto] == [0.0] * len(auto)
    assert card.auto_score == 0
    words = outcome.value.replace("_", " ")
    assert [_row(card, row).detail for row in MEASURED_ROWS] == [f"not counted: {words}"] * 2


def test_the_untouched_starter_earns_nothing_on_measured_rows(kv_store):
    starter = kv_store.root / "starter"
    card = _scored(kv_store, Outcome.TEST_FAILURES, _measured(starter, starter, kv_store))
    for row_id in MEASURED_ROWS:
        row = _row(card, row_id)
        assert (row.score, row.level) == (0.0, None)
        assert row.detail == (
            "nothing to measure: every Python file is the starter's, unchanged: no points"
        )


def test_an_empty_tree_earns_nothing_on_measured_rows(kv_store, tmp_path):
    (tmp_path / "NOTES.md").write_text("ran out of time\n")
    card = _scored(
        kv_store, Outcome.TEST_FAILURES, _measured(tmp_path, kv_store.root / "starter", kv_store)
    )
    assert [_row(card, row).score for row in MEASURED_ROWS] == [0.0, 0.0]
    assert "the submission has no Python file" in _row(card, "lint").detail


def test_a_crash_before_any_test_ran_keeps_measured_rows_only_for_written_code(kv_store):
    written = _scored(kv_store, Outcome.CRASH, measurements(kv_store), results="not run")
    assert written.tests.score == 0
    assert [_row(written, row).score for row in MEASURED_ROWS] == [5.0, 5.0]
    assert "not counted: crash before any test ran" in _row(written, "core").detail
    starter = kv_store.root / "starter"
    untouched = _scored(
        kv_store, Outcome.CRASH, _measured(starter, starter, kv_store), results="not run"
    )
    assert untouched.auto_score == 0


def test_a_file_the_tools_choke_on_leaves_the_rows_unscored_with_a_flag(kv_store, tmp_path):
    (tmp_path / "kvstore.py").write_text((kv_store.root / "solution" / "kvstore.py").read_text())
    (tmp_path / "deep.py").write_text("x = " + "+".join(["1"] * 100_000) + "\n")
    card = _scored(
        kv_store, Outcome.PASSED, _measured(tmp_path, kv_store.root / "starter", kv_store)
    )
    lint, complexity = _row(card, "lint"), _row(card, "complexity")
    assert (lint.score, lint.level, complexity.score, complexity.level) == (None, None, None, None)
    assert lint.detail.startswith("not scored: ruff could not lint deep.py (ruff crashed")
    assert complexity.detail == "not scored: radon could not parse deep.py"
    assert card.auto_score == 75
    flags = [(flag.kind, flag.message) for flag in card.flags]
    assert (
        "complexity",
        "radon could not parse deep.py: the complexity row is not scored",
    ) in flags
    assert any(kind == "lint" and "deep.py" in message for kind, message in flags)


def test_code_that_does_not_parse_leaves_complexity_unscored_not_low(kv_store, tmp_path):
    (tmp_path / "kvstore.py").write_text("def broken(:\n    pass\n")
    card = _scored(kv_store, Outcome.CRASH, _measured(tmp_path, None, kv_store), "not run")
    row = _row(card, "complexity")
    assert (row.level, row.score) == (None, None)
    assert row.detail == "not scored: radon could not parse kvstore.py"
    assert _row(card, "lint").score is not None  # ruff read it: a syntax error is a finding
