"""The container's parsed report sorted into what the tests grader's checks need.

Nothing here decides trust; it only reads. A test the candidate's run skipped is a failure
(``pytest.skip()`` from candidate code must not hide a test); only tests the hidden suite
itself skips unconditionally (``graders.static_skips``) keep the status ``skipped``, which
earns nothing and is shown as not scored.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from graders.suite_report import (
    CollectedEvent,
    CollectErrorEvent,
    FinishedEvent,
    ParsedReport,
    PhaseEvent,
    StartEvent,
)

RUN_SKIP = "skipped in this run, counted as failed: "


class CaseStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"


def base_id(node_id: str) -> str:
    """The function's node ID of a parametrized instance (``f[a]`` -> ``f``)."""
    return node_id.split("[", 1)[0]


def phase_status(phases: dict[str, PhaseEvent]) -> CaseStatus:
    """What the phases of one test (or one parametrized instance) add up to."""
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


_WORST_FIRST = (
    CaseStatus.TIMEOUT,
    CaseStatus.ERROR,
    CaseStatus.FAILED,
    CaseStatus.SKIPPED,
    CaseStatus.NOT_RUN,
)


class Reading:
    """The parsed report sorted by event kind; repeated singleton events are remembered."""

    def __init__(self, parsed: ParsedReport) -> None:
        self.parsed = parsed
        self.phases: dict[str, dict[str, PhaseEvent]] = defaultdict(dict)
        self.duplicates: list[str] = []
        self.repeated: list[str] = []
        self.collected: list[str] | None = None
        self.collect_errors: list[CollectErrorEvent] = []
        self.finished: FinishedEvent | None = None
        self.pytest_version: str | None = None
        seen: set[str] = set()
        for event in parsed.events:
            if event.event in seen and event.event in ("start", "collected", "finished"):
                self.repeated.append(event.event)
            seen.add(event.event)
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

    def instances(self, node_id: str) -> list[dict[str, PhaseEvent]]:
        return [phases for name, phases in self.phases.items() if base_id(name) == node_id]

    def status(self, node_id: str) -> CaseStatus:
        """The worst status over a test's instances; a skip is worse than a pass, so one
        skipped instance of a parametrized test can never leave it passed."""
        statuses = [phase_status(phases) for phases in self.instances(node_id)]
        if not statuses:
            return CaseStatus.NOT_RUN
        for worst in _WORST_FIRST:
            if worst in statuses:
                return worst
        return CaseStatus.PASSED

    def out_of_order(self) -> str | None:
        """The first result that breaks pytest's run order: tests run one after another in
        the order collected (the tripwire first), so the tests with results are always a
        prefix of the collected list, and none has a result before collection ended."""
        seen: list[str] = []
        collected_yet = False
        for event in self.parsed.events:
            if isinstance(event, CollectedEvent):
                collected_yet = True
            elif isinstance(event, PhaseEvent) and (not seen or seen[-1] != event.node_id):
                if not collected_yet:
                    return f"a result for {event.node_id} came before the tests were collected"
                seen.append(event.node_id)
        expected = (self.collected or [])[: len(seen)]
        for position, node_id in enumerate(seen):
            if position >= len(expected) or expected[position] != node_id:
                return f"the result for {node_id} came out of the order the tests were collected in"
        return None

    def reported(self) -> set[str]:
        return {base_id(node_id) for node_id in self.phases}
