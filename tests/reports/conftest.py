"""A deterministic scorecard with hostile candidate text, for renderer and golden tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.complexity import measure_complexity
from graders.hidden_suite import CaseResult, CaseStatus, SuiteMeasurement
from graders.history.commits import CommitInfo, HistoryMeasurement
from graders.lint import measure_lint
from reports.scorecard import Flag, Measurements, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard

HOSTILE = "<script>alert('x')</script> | **bold** [link](javascript:alert(1)) ``` `tick`"


def measurement(
    challenge: Challenge, failing: dict[str, CaseStatus], outcome: Outcome, reason: str
) -> SuiteMeasurement:
    results = [
        CaseResult(
            node_id=case.node_id,
            name=case.name,
            group=group,
            status=failing.get(case.name, CaseStatus.PASSED),
            duration=0.01,
            message=f"AssertionError: {HOSTILE}" if case.name in failing else "",
        )
        for group, cases in challenge.groups.items()
        for case in cases
    ]
    return SuiteMeasurement(
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


def measurements(challenge: Challenge) -> Measurements:
    """Real lint and complexity figures of the reference solution; a fixed two-commit history
    whose late commit carries hostile text."""
    solution, starter = challenge.root / "solution", challenge.root / "starter"
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    commits = [
        CommitInfo(sha="a" * 40, short="aaaaaaa", author_name="Alice Example",
                   author_email="alice@example.com", authored_at=moment, committed_at=moment,
                   subject="first cut", files_changed=2, insertions=120, deletions=0,
                   merge=False, late=False),
        CommitInfo(sha="b" * 40, short="bbbbbbb", author_name="Alice Example",
                   author_email="alice@example.com", authored_at=moment + timedelta(hours=5),
                   committed_at=moment + timedelta(hours=5), subject=f"late fix {HOSTILE}",
                   files_changed=1, insertions=10, deletions=3, merge=False, late=True),
    ]  # fmt: skip
    history = HistoryMeasurement(
        commits=commits, window_start=moment, window_end=moment + timedelta(hours=4),
        graded_commit="a" * 40, late_commits=1, early_commits=0, span_hours=5.0,
        single_commit=False, largest_commit_share=0.92, time_source="commit dates",
        dates_can_be_forged=True, push_time=None, shallow=False, truncated=False,
    )  # fmt: skip
    return Measurements(
        lint=measure_lint(solution, starter, challenge.config.measure.lint_select),
        complexity=measure_complexity(solution, starter, 10),
        history=history,
    )


@pytest.fixture
def hostile_scorecard(kv_store: Challenge) -> Scorecard:
    return hostile_card(kv_store)


def hostile_card(kv_store: Challenge) -> Scorecard:
    """A partial scorecard whose candidate-controlled strings are all hostile markup."""
    names = [case.name for case in kv_store.tests]
    failing = {names[0]: CaseStatus.FAILED, names[15]: CaseStatus.TIMEOUT}
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
        measurements(kv_store),
    )
