"""A candidate never sees hidden test names, source or output, whatever the policy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from challenges.load import Challenge, load_challenge
from graders.base import Outcome
from graders.hidden_suite import CaseStatus
from graders.registry import available
from reports.candidate import candidate_view
from reports.scorecard import SubmissionInfo
from reports.scoring import build_scorecard
from tests.reports.conftest import HOSTILE, measurement, provenance


def _with_policy(kv_store: Challenge, tmp_path: Path, policy: str) -> Challenge:
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    toml = copy / "challenge.toml"
    toml.write_text(toml.read_text().replace('feedback = "summary"', f'feedback = "{policy}"'))
    core = copy / "tests" / "test_core.py"
    core.write_text(
        re.sub(r"\ndef (test_\w+)", r"\n@pytest.mark.visible\ndef \1", core.read_text(), count=1)
    )
    return load_challenge(copy, available())


def _card(challenge: Challenge, outcome: Outcome = Outcome.TEST_FAILURES):
    failing = {case.name: CaseStatus.FAILED for case in challenge.tests[:3]}
    return build_scorecard(
        challenge,
        SubmissionInfo(id="cand", source="https://github.com/a/b", ref=None, commit="abc123"),
        measurement(challenge, failing, outcome, f"reason {HOSTILE}"),
        provenance(challenge),
        [],
    )


def _secrets(challenge: Challenge, allowed: set[str]) -> list[str]:
    """Strings that must never reach a candidate: test names, node IDs, suite source, output."""
    hidden = [c.name for c in challenge.tests if c.name not in allowed]
    files = [p.name for p in challenge.suite_dir.glob("*.py")]
    source = [
        line.strip()
        for p in challenge.suite_dir.glob("*.py")
        for line in p.read_text().splitlines()
        if len(line.strip()) > 25
    ]
    return [*hidden, *files, *source, "printed by the candidate", HOSTILE, "AssertionError"]


@pytest.mark.parametrize("policy", ["none", "summary", "visible_tests"])
@pytest.mark.parametrize("outcome", list(Outcome))
def test_nothing_hidden_reaches_the_candidate(kv_store, tmp_path, policy, outcome):
    challenge = _with_policy(kv_store, tmp_path, policy)
    view = candidate_view(_card(challenge, outcome), challenge)
    shown = view.model_dump_json()
    allowed = {t.name for t in view.visible_tests}
    leaks = [secret for secret in _secrets(challenge, allowed) if secret in shown]
    assert leaks == []


def test_each_policy_shows_what_it_promises(kv_store, tmp_path):
    none = _with_policy(kv_store, tmp_path / "a", "none")
    summary = _with_policy(kv_store, tmp_path / "b", "summary")
    visible = _with_policy(kv_store, tmp_path / "c", "visible_tests")
    assert candidate_view(_card(none), none).passed is None
    shown = candidate_view(_card(summary), summary)
    assert (shown.passed, shown.total) == (46, 49)
    assert shown.visible_tests == []
    tests = candidate_view(_card(visible), visible).visible_tests
    assert len(tests) == 1
    assert tests[0].name == next(c.name for c in visible.tests if "visible" in c.markers)


def test_ungraded_runs_show_no_counts(kv_store):
    view = candidate_view(_card(kv_store, Outcome.INFRA_ERROR), kv_store)
    assert view.passed is None
    assert "retried" in view.message
