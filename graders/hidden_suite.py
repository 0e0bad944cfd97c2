"""The tests grader: turns the container's report into per-test results and an outcome.

Everything here fails closed. The report was produced next to candidate code, so the grader
checks it against what it knows independently (the inventory pytest collected when the image
was built, before any candidate code existed; the tripwire that must fail; the engine's exit
code and OOM flag) and calls anything that does not add up tamper suspected, or no report,
never a pass.
"""

from __future__ import annotations

from pydantic import Field

from challenges.load import Challenge
from graders.base import Outcome, RunEvidence, StrictModel, Submission
from graders.static_skips import statically_skipped
from graders.suite_reading import RUN_SKIP, CaseStatus, Reading, base_id
from graders.suite_report import PhaseEvent, ReportError, extract_report
from graders.text import clean, first_line

__all__ = ["CaseResult", "CaseStatus", "SuiteGrader", "SuiteMeasurement", "evaluate"]

MESSAGE_CAP = 1000
NOT_SCORED = "declared unscored in rubric.toml: shown, never charged"
OUTPUT_CAP = 4000


class CaseResult(StrictModel):
    node_id: str = Field(description="pytest node ID relative to the hidden suite.")
    name: str = Field(description="Test function name.")
    group: str = Field(description="Rubric row (criterion id) this test scores for.")
    status: CaseStatus = Field(
        description="What happened to the test; skipped only when the suite itself always "
        "skips it (not scored), a skip in the run is failed."
    )
    duration: float = Field(description="Seconds spent in the test, all phases.")
    message: str = Field(description="Short failure message, cleaned and capped.")


class SuiteMeasurement(StrictModel):
    outcome: Outcome = Field(description="How the run ended.")
    reason: str = Field(description="One line explaining the outcome.")
    results: list[CaseResult] = Field(description="One per scored hidden test.")
    flags: list[str] = Field(description="Integrity findings for the reviewer.")
    suite_seconds: float | None = Field(description="Time the suite took inside the container.")
    pytest_version: str | None = Field(description="pytest version inside the image.")
    python_version: str | None = Field(description="Python version inside the image.")
    output_bytes: int = Field(description="Bytes the tests printed in total.")
    output_excerpt: str = Field(description="Head and tail of what the tests printed.")


def _canary_findings(challenge: Challenge, reading: Reading) -> list[str]:
    """The wrapper's secret canaries: copies of hidden tests made to fail."""
    canaries = reading.parsed.report.canaries
    expected = {case.node_id for case in challenge.tests}
    if len(set(canaries)) != len(canaries) or expected & set(canaries):
        return ["the report's canaries repeat or name tests of the hidden suite"]
    return [
        f"the secret canary {canary}, a copy of a hidden test made to fail, was reported as "
        f"{reading.status(canary).value}"
        for canary in canaries
        if reading.status(canary) is CaseStatus.PASSED
    ]


def _tamper_findings(challenge: Challenge, reading: Reading) -> list[str]:
    report = reading.parsed.report
    expected = {case.node_id for case in challenge.tests} | set(report.canaries)
    reported = reading.reported()
    findings = []
    if unknown := sorted(reported - expected):
        findings.append(f"the report names tests the hidden suite does not have: {unknown[0]}")
    first = next((e.node_id for e in reading.parsed.events if isinstance(e, PhaseEvent)), None)
    if first is not None and base_id(first) != challenge.tripwire:
        findings.append(
            f"a result for {base_id(first)} came before the tripwire's, which always runs first"
        )
    tripwire = reading.status(challenge.tripwire)
    if tripwire in (CaseStatus.PASSED, CaseStatus.SKIPPED):  # an xfail mark reports "skipped"
        findings.append(f"the tripwire test, which always fails, was reported as {tripwire.value}")
    findings += _canary_findings(challenge, reading)
    if reading.parsed.invalid_events or report.bad_event_lines or report.events_overflow:
        findings.append("the test process wrote malformed or oversized result events")
    if reading.duplicates:
        findings.append(f"results were reported twice for {reading.duplicates[0]}")
    if reading.repeated:
        findings.append(f"the test process sent its {reading.repeated[0]!r} event twice")
    collected = None if reading.collected is None else {base_id(n) for n in reading.collected}
    # A collect error leaves tests out, never adds one; and pytest then runs nothing, so
    # none of that run's results can count (_results) and any result at all is forged.
    if (
        collected is not None
        and collected != expected
        and (not reading.collect_errors or collected - expected)
    ):
        differ = sorted((collected - expected) or (collected ^ expected))[0]
        findings.append(f"the collected tests differ from the hidden suite (e.g. {differ})")
    if disorder := reading.out_of_order():
        findings.append(disorder)
    if reading.collect_errors and reading.phases:
        findings.append(
            "results were reported although collection failed, when pytest runs no test"
        )
    if reading.finished is not None and not report.wall_timed_out:
        if reading.finished.exit_status != report.returncode:
            findings.append(
                f"pytest reported exit status {reading.finished.exit_status} but the process "
                f"exited with {report.returncode}"
            )
        elif report.returncode == 0:
            findings.append("the test process exited 0 although the tripwire must fail")
        owed = set() if reading.collect_errors else expected
        if missing := sorted(owed - reported):
            findings.append(f"the run finished without a result for {missing[0]}")
    return findings


def _outcome(
    reading: Reading, run: RunEvidence, results: list[CaseResult], unscored: frozenset[str]
) -> tuple[Outcome, str]:
    report = reading.parsed.report
    if reading.collect_errors:
        error = reading.collect_errors[0]
        detail = first_line(error.message.splitlines()[-1] if error.message else "")
        return Outcome.CRASH, f"the hidden suite could not import the submission: {detail}"
    if run.oom_killed or (report.returncode == -9 and not report.wall_timed_out):
        return Outcome.MEMORY_LIMIT, "the run was killed at the memory limit"
    if report.wall_timed_out:
        return Outcome.TIMEOUT, "the run was stopped at the wall timeout"
    if reading.collected is None:
        return Outcome.NO_REPORT, (
            f"the test process exited with code {report.returncode} before reporting any test"
        )
    counted = [r for r in results if r.node_id not in unscored]
    if timeouts := sum(r.status is CaseStatus.TIMEOUT for r in counted):
        return Outcome.TIMEOUT, f"{timeouts} test(s) hit the per-test timeout"
    if reading.finished is None:
        return Outcome.CRASH, f"the test process died with code {report.returncode} mid-run"
    scored = [r for r in counted if r.status is not CaseStatus.SKIPPED]
    failed = sum(r.status is not CaseStatus.PASSED for r in scored)
    if failed:
        return Outcome.TEST_FAILURES, f"{failed} of {len(scored)} tests did not pass"
    return Outcome.PASSED, f"all {len(scored)} tests passed"


def not_run_results(challenge: Challenge) -> list[CaseResult]:
    """Every scored test as not run: for runs that never produced results."""
    return [
        CaseResult(
            node_id=case.node_id,
            name=case.name,
            group=group,
            status=CaseStatus.NOT_RUN,
            duration=0.0,
            message="",
        )
        for group, cases in challenge.groups.items()
        for case in cases
    ]


def _untrusted(challenge: Challenge, run: RunEvidence, problem: str) -> SuiteMeasurement:
    """No result counts: the engine's own facts say what happened, whatever was printed."""
    if run.oom_killed:
        outcome, reason = Outcome.MEMORY_LIMIT, "the run was killed at the memory limit"
    elif run.host_timed_out:
        outcome, reason = (
            Outcome.TIMEOUT,
            ("the run was killed at the wall timeout; nothing it printed is scored"),
        )
    else:
        outcome, reason = Outcome.NO_REPORT, f"{problem} (exit code {run.exit_code})"
    return unrun_measurement(challenge, outcome, reason)


def unrun_measurement(challenge: Challenge, outcome: Outcome, reason: str) -> SuiteMeasurement:
    """The measurement of a run that produced no results (rejected, infra error, no report)."""
    return SuiteMeasurement(
        outcome=outcome,
        reason=reason,
        results=not_run_results(challenge),
        flags=[],
        suite_seconds=None,
        pytest_version=None,
        python_version=None,
        output_bytes=0,
        output_excerpt="",
    )


def _results(challenge: Challenge, reading: Reading) -> list[CaseResult]:
    skipped_by_suite, unscored = statically_skipped(challenge), challenge.unscored
    discard = bool(reading.collect_errors)  # pytest ran nothing: no result is real
    results = []
    for group, cases in challenge.groups.items():
        for case in cases:
            instances = reading.instances(case.node_id)
            failing = [ph.message for phases in instances for ph in phases.values() if ph.message]
            status = CaseStatus.NOT_RUN if discard else reading.status(case.node_id)
            message = clean(failing[0], MESSAGE_CAP) if failing and not discard else ""
            if case.node_id in skipped_by_suite:
                status, message = CaseStatus.SKIPPED, "skipped by the hidden suite: not scored"
            elif case.node_id in unscored:
                message = clean(f"{NOT_SCORED}: {message}" if message else NOT_SCORED, MESSAGE_CAP)
            elif status is CaseStatus.SKIPPED:
                status, message = CaseStatus.FAILED, clean(RUN_SKIP + message, MESSAGE_CAP)
            duration = sum(ph.duration for phases in instances for ph in phases.values())
            results.append(
                CaseResult(
                    node_id=case.node_id,
                    name=case.name,
                    group=group,
                    status=status,
                    duration=round(duration, 4),
                    message=message,
                )
            )
    return results


def evaluate(challenge: Challenge, run: RunEvidence) -> SuiteMeasurement:
    """Per-test results and the outcome of one run, checked against the challenge.

    Only a wrapper that exited 0 before the host's deadline printed a report worth reading:
    a killed or stopped wrapper's stdout may hold anything."""
    if run.host_timed_out or run.exit_code != 0:
        return _untrusted(challenge, run, "the wrapper did not exit normally")
    try:
        parsed = extract_report(run.stdout)
    except ReportError as error:
        return _untrusted(challenge, run, str(error))
    reading = Reading(parsed)
    results = _results(challenge, reading)
    findings = _tamper_findings(challenge, reading)
    if findings:
        outcome, reason = Outcome.TAMPER_SUSPECTED, findings[0]
    else:
        outcome, reason = _outcome(reading, run, results, challenge.unscored)
    report = parsed.report
    return SuiteMeasurement(
        outcome=outcome,
        reason=first_line(reason, 300),
        results=results,
        flags=[first_line(finding, 300) for finding in findings],
        suite_seconds=report.suite_seconds,
        pytest_version=reading.pytest_version,
        python_version=report.python,
        output_bytes=report.output_bytes,
        output_excerpt=clean(report.output, OUTPUT_CAP),
    )


class SuiteGrader:
    """Rows with ``source = "tests"``: the hidden suite's results, group by group."""

    name = "tests"

    def measure(self, submission: Submission) -> SuiteMeasurement:
        if submission.run is None:
            raise ValueError("the tests grader needs the run's evidence")
        return evaluate(submission.challenge, submission.run)
