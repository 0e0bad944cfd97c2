"""A deterministic scorecard with hostile candidate text, for renderer and golden tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.tests import TestResult, TestsMeasurement, TestStatus
from reports.scorecard import Flag, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard

HOSTILE = "<script>alert('x')</script> | **bold** [link](javascript:alert(1)) ``` `tick`"


def measurement(
    challenge: Challenge, failing: dict[str, TestStatus], outcome: Outcome, reason: str
) -> TestsMeasurement:
    results = [
        TestResult(
            node_id=case.node_id,
            name=case.name,
            group=group,
            status=failing.get(case.name, TestStatus.PASSED),
            duration=0.01,
            message=f"AssertionError: {HOSTILE}" if case.name in failing else "",
        )
        for group, cases in challenge.groups.items()
        for case in cases
    ]
    return TestsMeasurement(
        outcome=outcome,
        reason=reason,
        results=results,
        flags=[],
        suite_seconds=0.5,
        pytest_version="7.2.1",
        python_version="3.11.2",
        output_bytes=123,
        output_excerpt=f"printed by the candidate: {HOSTILE}",
    )


def provenance(challenge: Challenge) -> Provenance:
    return Provenance(
        commit="0123456789abcdef0123456789abcdef01234567",
        image_id="sha256:" + "ab" * 32,
        suite_hash="f" * 64,
        rubric_version=challenge.rubric.version,
        challenge_version=challenge.config.version,
        tool_versions={"takehome": "0.1.0", "pytest": "7.2.1", "engine": "20.10.24"},
        timings={"intake": 0.01, "run": 0.9, "measure": 0.002},
        graded_at=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
    )


@pytest.fixture
def hostile_scorecard(kv_store: Challenge) -> Scorecard:
    names = [case.name for case in kv_store.tests]
    failing = {names[0]: TestStatus.FAILED, names[15]: TestStatus.TIMEOUT}
    return build_scorecard(
        kv_store,
        SubmissionInfo(
            id="alice-<b>",
            source=f"https://github.com/alice/{HOSTILE}",
            ref=None,
            commit="0123456789abcdef0123456789abcdef01234567",
        ),
        measurement(
            kv_store, failing, Outcome.TIMEOUT, f"1 test(s) hit the per-test timeout {HOSTILE}"
        ),
        provenance(kv_store),
        [Flag(kind="intake", message=f"symlink leaving the tree was not exported: {HOSTILE}")],
    )
