"""The installed graders agree with the formats that name them: the rubric's sources and metric
names, and the scorecard's measurement fields. Adding a grader without the rest fails here."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

import pytest

from challenges.load import Challenge
from challenges.rubric import METRICS, Source
from graders.base import Outcome, Submission, sources
from graders.registry import NAMES, available, graders, measuring
from reports.scorecard import Measurements

NOT_YET_INSTALLED: set[str] = set()
"""Sources the rubric format reserves for a grader still to come (none since issue 16)."""


def test_every_rubric_source_is_an_installed_grader_or_reserved() -> None:
    assert set(get_args(Source)) == set(available()) | NOT_YET_INSTALLED
    assert not NOT_YET_INSTALLED & set(available())


def test_the_names_rubrics_are_checked_against_are_the_graders_own() -> None:
    assert list(graders()) == list(NAMES)
    assert all(name == grader.name for name, grader in graders().items())


def test_loading_a_challenge_does_not_import_the_graders() -> None:
    """The names are checked without the graders' modules (and ruff, radon, Pygments)."""
    code = (
        "import sys\n"
        "from challenges.load import load_challenge\n"
        "from graders.registry import available\n"
        "load_challenge('kv-store', available())\n"
        "print(sorted(m for m in sys.modules if m.startswith(('graders.', 'pygments', 'radon'))\n"
        "             and m != 'graders.registry'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    assert loaded == "[]"


def test_the_rubric_metric_names_are_the_graders_declared_metrics() -> None:
    declared = {grader.name: grader.metrics for grader in measuring()}
    assert {name: METRICS[name] for name in declared} == declared
    assert set(METRICS) - set(declared) == NOT_YET_INSTALLED


def test_every_measuring_grader_has_a_scorecard_field() -> None:
    assert {grader.name for grader in measuring()} <= set(Measurements.model_fields)


@pytest.mark.parametrize("grader", [g for g in measuring() if g.name != "history"], ids=str)
def test_a_measurement_reports_exactly_the_declared_metrics(grader, kv_store, tmp_path) -> None:
    (tmp_path / "kvstore.py").write_text("def get(store, key):\n    return store.get(key)\n")
    measurement = grader.measure(Submission(challenge=kv_store, tree=tmp_path, run=None))
    assert measurement is not None
    assert set(measurement.metrics()) == grader.metrics


def test_history_reports_exactly_its_declared_metrics(kv_store, make_repo) -> None:
    grader = graders()["history"]
    repo = make_repo({"kvstore.py": "x = 1\n"}, {"kvstore.py": "x = 2\n"})
    head = repo / ".git"
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                            text=True, check=True).stdout.strip()  # fmt: skip
    measurement = grader.measure(
        Submission(challenge=kv_store, tree=repo, run=None, git_dir=head, commit=commit)
    )
    assert measurement is not None
    assert set(measurement.metrics()) == grader.metrics


def test_bundled_challenge_relies_only_on_installed_graders(kv_store: Challenge) -> None:
    assert sources(kv_store) <= set(available())


def test_only_infra_errors_and_rejected_repos_carry_no_score() -> None:
    unscored = {outcome for outcome in Outcome if not outcome.scored}
    assert unscored == {Outcome.INFRA_ERROR, Outcome.REPO_REJECTED}


def test_untrusted_runs_earn_nothing_and_unscored_ones_no_score() -> None:
    untrusted = {outcome for outcome in Outcome if outcome.scored and not outcome.trusted}
    assert untrusted == {Outcome.TAMPER_SUSPECTED, Outcome.NO_REPORT}
    assert not any(outcome.trusted for outcome in Outcome if not outcome.scored)
