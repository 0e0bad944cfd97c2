"""Suites as teams write them, graded for real: an Exercism-style unittest suite (classes named
``AcronymTest`` and ``PunctuationTests``, a ``*_test.py`` file, rows selected by class)."""

from __future__ import annotations

import pytest

from challenges.validate import validate_challenge
from graders.registry import available
from runner.check import check_samples
from runner.sandbox.run_images import ensure_run_image
from tests.conftest import BASE_IMAGE, FIXTURES

pytestmark = pytest.mark.docker


def test_a_unittest_style_suite_validates_and_grades_like_pytest(engine, pipeline_config,
                                                                 tmp_path):  # fmt: skip
    challenge = validate_challenge(FIXTURES / "challenges" / "acronym", available())
    assert {name: len(tests) for name, tests in challenge.groups.items()} == {
        "acronyms": 4,
        "punctuation": 5,
    }
    image = ensure_run_image(engine, challenge, BASE_IMAGE)
    checks = {c.sample.name: c for c in check_samples(challenge, engine, image,
                                                      pipeline_config, tmp_path)}  # fmt: skip
    solution, starter = checks["solution"].scorecard, checks["starter"].scorecard
    assert (solution.outcome.value, solution.auto_score) == ("passed", 20.0), solution.reason
    assert [flag.message for flag in solution.flags if flag.kind == "tamper"] == []
    assert starter.outcome.value == "test_failures"
    assert starter.auto_score == 0.0
    assert starter.tests.passed == 0


def test_a_suite_in_every_style_is_graded_as_pytest_collects_it(engine, pipeline_config,
                                                               tmp_path):  # fmt: skip
    """Mixed files (pytest functions, a ``Test*`` class, parametrized ids, a ``*_test.py``
    unittest class of any name), tests inherited from a mixin in a helper module and one
    imported from it, a conftest fixture reading a data file, tests the suite skips, and
    extra credit the rubric declares unscored. The syntax reading sees 12 of the 22 tests
    pytest collects; grading by it called every submission tampered with, the reference
    included."""
    challenge = validate_challenge(FIXTURES / "challenges" / "shapes", available())
    assert len(challenge.tests) == 12  # what reading the syntax finds
    image = ensure_run_image(engine, challenge, BASE_IMAGE)
    collected = {test.node_id for test in image.inventory}
    assert len(collected) == 22
    assert "test_mixins.py::SquareShape::test_area" in collected  # inherited from contracts.py
    assert "test_measures.py::test_results_are_floats" in collected  # imported from it
    assert "test_measures.py::test_perimeter" in collected  # three instances, one test
    checks = {c.sample.name: c for c in check_samples(challenge, engine, image,
                                                      pipeline_config, tmp_path)}  # fmt: skip
    assert {name: check.problems for name, check in checks.items()} == {
        "solution": [], "starter": [], "partial": [],
    }  # fmt: skip
    solution = checks["solution"].scorecard
    assert (solution.outcome.value, solution.auto_score) == ("passed", 30.0), solution.reason
    assert [flag.message for flag in solution.flags if flag.kind == "tamper"] == []
    skipped = {r.node_id: r.message for r in solution.tests.results if r.status == "skipped"}
    not_scored = "skipped by the hidden suite: not scored"
    assert skipped == {
        "test_mixins.py::CircleShape::test_ellipse": not_scored,
        "test_measures.py::TestWrongSizes::test_triangle": not_scored,
    }
    summary = solution.tests
    assert (summary.passed, summary.total, summary.not_scored) == (17, 17, 4)
    contracts = next(row for row in solution.criteria if row.id == "contracts")
    assert contracts.detail == "9 of 9 tests passed; 1 not scored"
    extra = {r.node_id: r for r in solution.tests.results if r.group == "(not scored)"}
    hexagons = extra["test_extra_credit.py::test_hexagons_are_parsed"]
    assert (hexagons.status, hexagons.max_score) == ("failed", 0.0)  # and still "passed"
    assert hexagons.message.startswith("declared unscored in rubric.toml: shown, never charged")
    assert extra["test_extra_credit.py::test_a_blank_line_says_so"].status == "passed"
    assert checks["starter"].scorecard.auto_score == 10.0  # the given parser's four tests
    partial = checks["partial"].scorecard
    assert round(partial.auto_score or 0, 2) == 22.78
    circle = [r for r in partial.tests.results if "CircleShape::test_area" in r.node_id]
    assert [r.status for r in circle] == ["failed"]


def test_a_src_layout_with_the_suite_as_a_package_grades(engine, pipeline_config, tmp_path):
    """``python_path = ["src"]``, a tests package importing its helpers relatively, cases
    generated from data files by ``pytest_generate_tests`` in its conftest, a marked class
    with a fixture and a parametrized method, and a sample in its declared range."""
    challenge = validate_challenge(FIXTURES / "challenges" / "ledger", available())
    image = ensure_run_image(engine, challenge, BASE_IMAGE)
    assert [t.node_id for t in image.inventory] == [
        "test_cases.py::test_case_file",
        "test_errors.py::TestRefused::test_overdraw",
        "test_errors.py::TestRefused::test_bad_line",
        "test_tripwire.py::test_tripwire",
    ]
    checks = {c.sample.name: c for c in check_samples(challenge, engine, image,
                                                      pipeline_config, tmp_path)}  # fmt: skip
    assert {name: check.problems for name, check in checks.items()} == {
        "solution": [], "starter": [], "no_refunds": [],
    }  # fmt: skip
    solution = checks["solution"].scorecard
    assert (solution.outcome.value, solution.auto_score) == ("passed", 20.0), solution.reason
    assert [flag.message for flag in solution.flags if flag.kind == "tamper"] == []
    assert checks["no_refunds"].scorecard.auto_score == 10.0
