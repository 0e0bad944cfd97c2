"""The installed graders and what the outcome taxonomy promises about scores."""

from __future__ import annotations

from challenges.load import Challenge
from graders.base import Outcome, sources
from graders.hidden_suite import SuiteGrader
from graders.registry import GRADERS, available


def test_tests_grader_is_installed_under_its_source_name() -> None:
    assert "tests" in available()
    assert available() == sorted(GRADERS)
    assert isinstance(GRADERS["tests"], SuiteGrader)
    assert all(GRADERS[name].name == name for name in available())


def test_bundled_challenge_relies_only_on_installed_graders(kv_store: Challenge) -> None:
    assert sources(kv_store) == {"tests", "lint", "complexity", "history"}
    assert sources(kv_store) <= set(available())


def test_only_infra_errors_and_rejected_repos_carry_no_score() -> None:
    unscored = {outcome for outcome in Outcome if not outcome.scored}
    assert unscored == {Outcome.INFRA_ERROR, Outcome.REPO_REJECTED}


def test_outcome_taxonomy_matches_the_design() -> None:
    assert {outcome.value for outcome in Outcome} == {
        "passed",
        "test_failures",
        "timeout",
        "memory_limit",
        "crash",
        "no_report",
        "tamper_suspected",
        "repo_rejected",
        "infra_error",
    }
