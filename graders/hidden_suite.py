"""The tests grader: turns the container's report into per-test results and an outcome.

Everything here fails closed. The report was produced next to candidate code, so the grader
checks it against what it knows independently (the statically read test inventory, the
tripwire that must fail, the engine's exit code and OOM flag) and calls anything that does
not add up tamper suspected, or no report, never a pass.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from pydantic import Field

from challenges.load import Challenge
from graders.base import Outcome, RunEvidence, StrictModel, Submission
from graders.suite_report import (
    CollectedEvent,
    CollectErrorEvent,
    FinishedEvent,
    ParsedReport,
    PhaseEvent,
    ReportError,
    StartEvent,
    extract_report,
)
from graders.text import clean, first_line

MESSAGE_CAP = 1000
OUTPUT_CAP = 4000


class CaseStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"


class CaseResult(StrictModel):
    node_id: str = Field(description="pytest node ID relative to the hidden suite.")
    name: str = Field(description="Test function name.")
    group: str = Field(description="Rubric row (criterion id) this test scores for.")
    status: CaseStatus = Field(description="What happened to the test.")
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


def _base(node_id: str) -> str:
    return node_id.split("[", 1)[0]


def _status(phases: dict[str, PhaseEvent]) -> CaseStatus:
    setup, call, teardown = phases.get("setup"), phases.get("call"), phases.get("teardown")
    for phase in (setup, call, teardown):
        if phase and phase.outcome == "failed" and "Timeout >" in phase.message:
            return CaseStatus.TIMEOUT
    if setup and setup.outcome == "failed":
        return CaseStatus.ERROR
    if setup and setup.outcome == "skipped":
        return CaseStatus.SKIPPED
    if call is None:
        return CaseStatus.NOT_RUN
    if call.outcome == "failed":
        return CaseStatus.FAILED
    if call.outcome == "skipped":
        return CaseStatus.SKIPPED
    if teardown and teardown.outcome == "failed":
        return CaseStatus.ERROR
    return CaseStatus.PASSED


class _Reading:
    """The parsed report sorted into what the checks need."""

    def __init__(self, parsed: ParsedReport) -> None:
        self.parsed = parsed
        self.phases: dict[str, dict[str, PhaseEvent]] = defaultdict(dict)
        self.duplicates: list[str] = []
        self.collected: list[str] | None = None
        self.collect_errors: list[CollectErrorEvent] = []
        self.finished: FinishedEvent | None = None
        self.pytest_version: str | None = None
        for event in parsed.events:
            if isinstance(event, PhaseEvent):
                if event.when in self.phases[event.node_id]:
                    self.duplicates.append(event.node_id)
                self.phases[event.node_id][event.when] = event
            elif isinstance(event, CollectedEvent):
                self.collected = event.node_ids
            elif isinstance(event, CollectErrorEvent):
                self.collect_errors.append(event)
            elif isinstance(event, FinishedEvent):
                self.finished = event
            elif isinstance(event, StartEvent):
                self.pytest_version = event.pytest

    def status(self, node_id: str) -> CaseStatus:
        instances = [p for n, p in self.phases.items() if _base(n) == node_id]
        if not instances:
            return CaseStatus.NOT_RUN
        statuses = [_status(phases) for phases in instances]
        for worst in (CaseStatus.TIMEOUT, CaseStatus.ERROR, CaseStatus.FAILED, CaseStatus.NOT_RUN):
            if worst in statuses:
                return worst
        return statuses[0]


def _tamper_findings(challenge: Challenge, reading: _Reading) -> list[str]:
    report = reading.parsed.report
    expected = {case.node_id for case in challenge.tests}
    reported = {_base(node_id) for node_id in reading.phases}
    findings = []
    if unknown := sorted(reported - expected):
        findings.append(f"the report names tests the hidden suite does not have: {unknown[0]}")
    first = next((e.node_id for e in reading.parsed.events if isinstance(e, PhaseEvent)), None)
    if first is not None and _base(first) != challenge.tripwire:
        findings.append(
            f"a result for {_base(first)} came before the tripwire's, which always runs first"
        )
    tripwire = reading.status(challenge.tripwire)
    if tripwire in (CaseStatus.PASSED, CaseStatus.SKIPPED):  # an xfail mark reports "skipped"
        findings.append(f"the tripwire test, which always fails, was reported as {tripwire.value}")
    if reading.parsed.invalid_events or report.bad_event_lines or report.events_overflow:
        findings.append("the test process wrote malformed or oversized result events")
    if reading.duplicates:
        findings.append(f"results were reported twice for {reading.duplicates[0]}")
    if reading.collected is not None and not reading.collect_errors:
        collected = {_base(node_id) for node_id in reading.collected}
        if collected != expected:
            differ = sorted(collected ^ expected)[0]
            findings.append(f"the collected tests differ from the hidden suite (e.g. {differ})")
    if reading.finished is not None and not report.wall_timed_out:
        if reading.finished.exit_status != report.returncode:
            findings.append(
                f"pytest reported exit status {reading.finished.exit_status} but the process "
                f"exited with {report.returncode}"
            )
        elif report.returncode == 0:
            findings.append("the test process exited 0 although the tripwire must fail")
        if not reading.collect_errors and reported != expected:
            missing = sorted(expected - reported)
            if missing:
                findings.append(f"the run finished without a result for {missing[0]}")
    return findings


def _outcome(reading: _Reading, run: RunEvidence, results: list[CaseResult]) -> tuple[Outcome, str]:
    report = reading.parsed.report
    if reading.collect_errors:
        error = reading.collect_errors[0]
        detail = first_line(error.message.splitlines()[-1] if error.message else "")
        return Outcome.CRASH, f"the hidden suite could not import the submission: {detail}"
    if run.oom_killed or (report.returncode == -9 and not report.wall_timed_out):
        return Outcome.MEMORY_LIMIT, "the run was killed at the memory limit"
    if report.wall_timed_out or run.host_timed_out:
        return Outcome.TIMEOUT, "the run was stopped at the wall timeout"
    if reading.collected is None:
        return Outcome.NO_REPORT, (
            f"the test process exited with code {report.returncode} before reporting any test"
        )
    statuses = {result.status for result in results}
    if CaseStatus.TIMEOUT in statuses:
        count = sum(r.status is CaseStatus.TIMEOUT for r in results)
        return Outcome.TIMEOUT, f"{count} test(s) hit the per-test timeout"
    if reading.finished is None:
        return Outcome.CRASH, f"the test process died with code {report.returncode} mid-run"
    failed = sum(r.status is not CaseStatus.PASSED for r in results)
    if failed:
        return Outcome.TEST_FAILURES, f"{failed} of {len(results)} tests did not pass"
    return Outcome.PASSED, f"all {len(results)} tests passed"


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


def _no_report(challenge: Challenge, run: RunEvidence, problem: str) -> SuiteMeasurement:
    if run.oom_killed:
        outcome, reason = Outcome.MEMORY_LIMIT, "the run was killed at the memory limit"
    elif run.host_timed_out:
        outcome, reason = Outcome.TIMEOUT, "the run was killed at the wall timeout"
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


def evaluate(challenge: Challenge, run: RunEvidence) -> SuiteMeasurement:
    """Per-test results and the outcome of one run, checked against the challenge."""
    try:
        parsed = extract_report(run.stdout)
    except ReportError as error:
        return _no_report(challenge, run, str(error))
    reading = _Reading(parsed)
    results = []
    for group, cases in challenge.groups.items():
        for case in cases:
            instances = [p for n, p in reading.phases.items() if _base(n) == case.node_id]
            failing = [ph.message for phases in instances for ph in phases.values() if ph.message]
            results.append(
                CaseResult(
                    node_id=case.node_id,
                    name=case.name,
                    group=group,
                    status=reading.status(case.node_id),
                    duration=round(
                        sum(ph.duration for phases in instances for ph in phases.values()), 4
                    ),
                    message=clean(failing[0], MESSAGE_CAP) if failing else "",
                )
            )
    findings = _tamper_findings(challenge, reading)
    if findings:
        outcome, reason = Outcome.TAMPER_SUSPECTED, findings[0]
    else:
        outcome, reason = _outcome(reading, run, results)
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
