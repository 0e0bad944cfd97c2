"""Suites as teams write them, graded for real: an Exercism-style unittest suite (classes named
``AcronymTest`` and ``PunctuationTests``, a ``*_test.py`` file, rows selected by class)."""

from __future__ import annotations

import pytest

from challenges.load import load_challenge
from graders.registry import available
from runner.check import check_samples
from runner.sandbox.run_images import ensure_run_image
from tests.conftest import BASE_IMAGE, FIXTURES

pytestmark = pytest.mark.docker


def test_a_unittest_style_suite_validates_and_grades_like_pytest(engine, pipeline_config,
                                                                 tmp_path):  # fmt: skip
    challenge = load_challenge(FIXTURES / "challenges" / "acronym", available())
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
