"""Strict parsing of the report the in-container wrapper prints.

The bytes come out of a container that ran hostile code, so they are capped before parsing,
parsed with ``json`` (no pickle, no XML), and validated by models that forbid anything
unexpected. A report that fails any of this is no report at all.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from graders.base import StrictModel

MARKER = b"TAKEHOME-REPORT-V1 "


class _Wire(StrictModel):
    """Bytes from the container: no coercion either ("1" is not 1, 1 is not True)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


REPORT_CAP = 4 * 1024 * 1024
MAX_CANARIES = 16
"""More secret canaries than the wrapper ever plants means the report is not the wrapper's."""


class StartEvent(_Wire):
    event: Literal["start"]
    pytest: str = Field(max_length=64)


class CollectedEvent(_Wire):
    event: Literal["collected"]
    node_ids: list[str]


class CollectErrorEvent(_Wire):
    event: Literal["collect_error"]
    node_id: str
    message: str


class PhaseEvent(_Wire):
    event: Literal["phase"]
    node_id: str
    when: Literal["setup", "call", "teardown"]
    outcome: Literal["passed", "failed", "skipped"]
    duration: float
    message: str


class FinishedEvent(_Wire):
    event: Literal["finished"]
    exit_status: int


Event = Annotated[
    StartEvent | CollectedEvent | CollectErrorEvent | PhaseEvent | FinishedEvent,
    Field(discriminator="event"),
]
_EVENT = TypeAdapter(Event)


class WrapperReport(_Wire):
    """The wrapper's own view of the run; ``events`` are the (untrusted) plugin's claims."""

    takehome_report: Literal[1]
    python: str = Field(max_length=64)
    returncode: int
    wall_timed_out: bool
    suite_seconds: float
    events: list[dict[str, object]]
    bad_event_lines: int
    events_overflow: bool
    canaries: list[str] = Field(max_length=MAX_CANARIES)
    output: str
    output_bytes: int


class ParsedReport(_Wire):
    report: WrapperReport
    events: list[Event]
    invalid_events: int


class ReportError(ValueError):
    """The container's output holds no valid report."""


def extract_report(stdout: bytes) -> ParsedReport:
    """Find the last line that starts with the report marker and validate it."""
    # The wrapper starts its report line with the marker; a marker the tests printed sits
    # inside the JSON-escaped ``output`` field, never at the start of a line.
    position = stdout.rfind(b"\n" + MARKER) + 1
    if position == 0 and not stdout.startswith(MARKER):
        raise ReportError("the run printed no report")
    payload = stdout[position + len(MARKER) :].split(b"\n", 1)[0]
    if len(payload) > REPORT_CAP:
        raise ReportError(f"the report is {len(payload)} bytes, over the {REPORT_CAP} byte cap")
    try:
        report = WrapperReport.model_validate_json(payload)
    except ValidationError as error:
        raise ReportError(f"the report is malformed: {error.errors()[0]['msg']}") from None
    events: list[Event] = []
    invalid = 0
    for raw in report.events:
        try:
            events.append(_EVENT.validate_python(raw))
        except ValidationError:
            invalid += 1
    return ParsedReport(report=report, events=events, invalid_events=invalid)
