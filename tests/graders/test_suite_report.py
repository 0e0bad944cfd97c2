"""Strict parsing of the wrapper's report line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graders.suite_report import (
    MARKER,
    CollectedEvent,
    FinishedEvent,
    PhaseEvent,
    ReportError,
    StartEvent,
    extract_report,
)


def _report(events: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "takehome_report": 1,
        "python": "3.11.2",
        "returncode": 1,
        "wall_timed_out": False,
        "suite_seconds": 0.5,
        "events": events,
        "bad_event_lines": 0,
        "events_overflow": False,
        "canaries": [],
        "output": "",
        "output_bytes": 0,
    }
    report.update(changes)
    return report


def _stdout(report: dict[str, Any]) -> bytes:
    return b"noise\n" + MARKER + json.dumps(report).encode() + b"\n"


PHASE: dict[str, Any] = {
    "event": "phase",
    "node_id": "test_a.py::test_x",
    "when": "call",
    "outcome": "failed",
    "duration": 0.2,
    "message": "E   assert 1 == 2",
}


def test_events_are_parsed_into_their_types() -> None:
    events: list[dict[str, Any]] = [
        {"event": "start", "pytest": "8.2.0"},
        {"event": "collected", "node_ids": ["test_a.py::test_x"]},
        PHASE,
        {"event": "finished", "exit_status": 1},
    ]
    parsed = extract_report(_stdout(_report(events)))
    assert [type(event) for event in parsed.events] == [
        StartEvent,
        CollectedEvent,
        PhaseEvent,
        FinishedEvent,
    ]
    assert parsed.invalid_events == 0
    assert parsed.report.returncode == 1
    phase = parsed.events[2]
    assert isinstance(phase, PhaseEvent)
    assert (phase.node_id, phase.when, phase.outcome) == ("test_a.py::test_x", "call", "failed")


def test_invalid_events_are_counted_not_kept() -> None:
    events = [
        PHASE,
        {**PHASE, "extra": 1},
        {**PHASE, "outcome": "xpassed"},
        {"event": "start", "pytest": "x" * 65},
        {"event": "unknown"},
        {"no_event": True},
    ]
    parsed = extract_report(_stdout(_report(events)))
    assert parsed.events == [PhaseEvent.model_validate(PHASE)]
    assert parsed.invalid_events == 5


def test_no_marker_raises() -> None:
    with pytest.raises(ReportError, match="printed no report"):
        extract_report(b"TAKEHOME-REPORT-V0 {}\nnothing here\n")


def test_marker_inside_a_line_is_not_a_report() -> None:
    line = b"print: " + MARKER + json.dumps(_report([])).encode() + b"\n"
    with pytest.raises(ReportError, match="printed no report"):
        extract_report(line)


def test_report_is_the_rest_of_the_marker_line_only() -> None:
    stdout = _stdout(_report([])) + b"trailing line that is not JSON\n"
    assert extract_report(stdout).report.suite_seconds == 0.5


def test_trailing_garbage_on_the_report_line_is_malformed() -> None:
    stdout = b"\n" + MARKER + json.dumps(_report([])).encode() + b" {}\n"
    with pytest.raises(ReportError, match="malformed"):
        extract_report(stdout)


def test_non_object_report_is_malformed() -> None:
    with pytest.raises(ReportError, match="malformed"):
        extract_report(b"\n" + MARKER + b"[1, 2, 3]\n")
