"""The tests grader against synthetic wrapper output for the real bundled kv-store challenge.

The bytes are built the way runner/sandbox/wrapper/takehome_wrapper.py prints them (candidate noise,
then one ``TAKEHOME-REPORT-V1 {json}`` line) and the events the way the in-container plugin
(runner/sandbox/wrapper/takehome_plugin.py) emits them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from challenges.load import Challenge
from graders.base import Outcome, RunEvidence, Submission
from graders.hidden_suite import (
    MESSAGE_CAP,
    OUTPUT_CAP,
    CaseStatus,
    SuiteGrader,
    evaluate,
)
from graders.hidden_suite import SuiteMeasurement as Measurement  # not a pytest test class
from graders.suite_report import MARKER, REPORT_CAP

Event = dict[str, Any]

ASSERTION = (
    "def test_x():\n>       assert store.get('a') == 1\nE       AssertionError: assert None == 1"
)
TIMEOUT = "E   Failed: Timeout >2.0s"
TRIPWIRE_MESSAGE = "E   AssertionError: tripwire: this test must fail"

FAILED_CORE = "test_core.py::test_delete_returns_true_then_false"
FAILED_TTL = "test_ttl.py::test_key_expires_exactly_at_deadline"


# ------------------------------------------------------------------ building reports


def phases(
    node_id: str, call: str = "passed", message: str = "", setup: str = "passed"
) -> list[Event]:
    """The plugin's setup/call/teardown events for one test (no call when setup did not pass)."""
    events = [_phase(node_id, "setup", setup, "" if setup == "passed" else message)]
    if setup == "passed":
        events.append(_phase(node_id, "call", call, "" if call == "passed" else message))
    events.append(_phase(node_id, "teardown", "passed", ""))
    return events


def _phase(node_id: str, when: str, outcome: str, message: str) -> Event:
    return {
        "event": "phase",
        "node_id": node_id,
        "when": when,
        "outcome": outcome,
        "duration": 0.01,
        "message": message,
    }


def suite_events(
    challenge: Challenge,
    *,
    failed: Iterable[str] = (),
    timed_out: Iterable[str] = (),
    not_run: Iterable[str] = (),
    tripwire: str = "failed",
    messages: dict[str, str] | None = None,
) -> list[Event]:
    """start, collected (the whole suite) and every test's phases, tripwire first as the
    plugin orders them, then suite order; tests listed as not run are collected last, in
    the order given, so that the results are a prefix of the collected order as pytest's
    always are (a caller may append their phases in that order).

    Tests pass unless listed; the tripwire fails unless told otherwise.
    """
    last = list(not_run)
    failed, timed_out, not_run = set(failed), set(timed_out), set(last)
    messages = messages or {}
    node_ids = sorted(
        (case.node_id for case in challenge.tests), key=lambda n: n != challenge.tripwire
    )
    node_ids = [n for n in node_ids if n not in not_run] + [n for n in last if n in node_ids]
    events: list[Event] = [
        {"event": "start", "pytest": "7.2.1"},
        {"event": "collected", "node_ids": node_ids},
    ]
    for node_id in node_ids:
        if node_id in not_run:
            continue
        if node_id == challenge.tripwire:
            message = TRIPWIRE_MESSAGE if tripwire == "failed" else ""
            events += phases(node_id, tripwire, message)
        elif node_id in timed_out:
            events += phases(node_id, "failed", messages.get(node_id, TIMEOUT))
        elif node_id in failed:
            events += phases(node_id, "failed", messages.get(node_id, ASSERTION))
        else:
            events += phases(node_id)
    return events


def finished(exit_status: int = 1) -> Event:
    return {"event": "finished", "exit_status": exit_status}


def report(
    events: list[Event],
    *,
    returncode: int = 1,
    wall_timed_out: bool = False,
    bad_event_lines: int = 0,
    events_overflow: bool = False,
    output: str = "....F..\n",
    canaries: list[str] | None = None,
) -> dict[str, Any]:
    """The wrapper's report dict, field for field."""
    return {
        "takehome_report": 1,
        "python": "3.11.2",
        "returncode": returncode,
        "wall_timed_out": wall_timed_out,
        "suite_seconds": 1.234,
        "events": events,
        "bad_event_lines": bad_event_lines,
        "events_overflow": events_overflow,
        "canaries": canaries or [],
        "output": output,
        "output_bytes": len(output.encode()),
    }


def wrapper_stdout(*reports: dict[str, Any] | bytes, noise: bytes = b"candidate noise\n") -> bytes:
    """What the container's stdout holds: noise, then one marker line per report."""
    out = noise
    for item in reports:
        payload = item if isinstance(item, bytes) else json.dumps(item).encode()
        out += b"\n" + MARKER + payload + b"\n"
    return out


def run(
    stdout: bytes,
    *,
    exit_code: int | None = 0,
    oom_killed: bool = False,
    host_timed_out: bool = False,
) -> RunEvidence:
    return RunEvidence(
        exit_code=exit_code,
        oom_killed=oom_killed,
        host_timed_out=host_timed_out,
        stdout=stdout,
        seconds=2.5,
    )


def grade(challenge: Challenge, *reports: dict[str, Any] | bytes, **evidence: Any) -> Measurement:
    return evaluate(challenge, run(wrapper_stdout(*reports), **evidence))


def completed(challenge: Challenge, **kwargs: Any) -> dict[str, Any]:
    """A report of a run that went to the end: events, finished, returncode 1 (tripwire)."""
    return report([*suite_events(challenge, **kwargs), finished(1)])


def statuses(measurement: Measurement) -> dict[str, CaseStatus]:
    return {result.node_id: result.status for result in measurement.results}


def scored_ids(challenge: Challenge) -> list[str]:
    return [case.node_id for cases in challenge.groups.values() for case in cases]


# ------------------------------------------------------------------ honest runs


def test_all_passing_with_failed_tripwire_is_passed(kv_store: Challenge) -> None:
    measurement = grade(kv_store, completed(kv_store))
    assert measurement.outcome is Outcome.PASSED
    assert measurement.reason == "all 49 tests passed"
    assert measurement.flags == []
    assert set(statuses(measurement).values()) == {CaseStatus.PASSED}
    assert kv_store.tripwire not in statuses(measurement)  # the tripwire is never scored
    assert [r.node_id for r in measurement.results] == scored_ids(kv_store)
    assert measurement.pytest_version == "7.2.1"
    assert measurement.python_version == "3.11.2"
    assert measurement.suite_seconds == 1.234
    assert all(result.duration == 0.03 for result in measurement.results)


def test_results_carry_their_rubric_group(kv_store: Challenge) -> None:
    measurement = grade(kv_store, completed(kv_store))
    for result in measurement.results:
        assert result.node_id in {case.node_id for case in kv_store.groups[result.group]}
    groups = {r.node_id: r.group for r in measurement.results}
    assert groups[FAILED_CORE] == "core"
    assert groups[FAILED_TTL] == "ttl"


def test_some_failures_are_test_failures(kv_store: Challenge) -> None:
    measurement = grade(kv_store, completed(kv_store, failed=[FAILED_CORE, FAILED_TTL]))
    assert measurement.outcome is Outcome.TEST_FAILURES
    assert measurement.reason == "2 of 49 tests did not pass"
    assert measurement.flags == []
    by_id = {result.node_id: result for result in measurement.results}
    assert by_id[FAILED_CORE].status is CaseStatus.FAILED
    assert by_id[FAILED_CORE].group == "core"
    assert by_id[FAILED_TTL].status is CaseStatus.FAILED
    assert by_id[FAILED_TTL].group == "ttl"
    assert "AssertionError: assert None == 1" in by_id[FAILED_CORE].message
    passed = [r for r in measurement.results if r.node_id not in {FAILED_CORE, FAILED_TTL}]
    assert {r.status for r in passed} == {CaseStatus.PASSED}
    assert all(r.message == "" for r in passed)


def test_setup_error_teardown_error_and_skip_statuses(kv_store: Challenge) -> None:
    setup_error, teardown_error, skipped = scored_ids(kv_store)[:3]
    events = suite_events(kv_store, not_run=[setup_error, teardown_error, skipped])
    events += phases(setup_error, setup="failed", message="E   fixture 'clock' not found")
    events += [
        _phase(teardown_error, "setup", "passed", ""),
        _phase(teardown_error, "call", "passed", ""),
        _phase(teardown_error, "teardown", "failed", "E   RuntimeError: cleanup"),
    ]
    events += phases(skipped, setup="skipped", message="Skipped: not on this platform")
    measurement = grade(kv_store, report([*events, finished(1)]))
    found = statuses(measurement)
    assert found[setup_error] is CaseStatus.ERROR
    assert found[teardown_error] is CaseStatus.ERROR
    assert found[skipped] is CaseStatus.FAILED  # a skip in the run is a failure
    message = next(r.message for r in measurement.results if r.node_id == skipped)
    assert message.startswith("skipped in this run, counted as failed: Skipped: not on")
    assert measurement.outcome is Outcome.TEST_FAILURES
    assert measurement.reason == "3 of 49 tests did not pass"


def test_parametrized_instances_count_as_their_function(kv_store: Challenge) -> None:
    node_id = scored_ids(kv_store)[0]
    events = suite_events(kv_store, not_run=[node_id])
    events[1]["node_ids"] = [n for n in events[1]["node_ids"] if n != node_id] + [
        f"{node_id}[a]",
        f"{node_id}[b]",
    ]
    events += phases(f"{node_id}[a]") + phases(f"{node_id}[b]", "failed", ASSERTION)
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.flags == []
    assert statuses(measurement)[node_id] is CaseStatus.FAILED  # the worst instance counts
    assert measurement.outcome is Outcome.TEST_FAILURES


def test_grader_measures_a_submission(kv_store: Challenge, tmp_path: Any) -> None:
    grader = SuiteGrader()
    assert grader.name == "tests"
    evidence = run(wrapper_stdout(completed(kv_store)))
    measured = grader.measure(Submission(challenge=kv_store, tree=tmp_path, run=evidence))
    assert measured.outcome is Outcome.PASSED
    with pytest.raises(ValueError, match="needs the run's evidence"):
        grader.measure(Submission(challenge=kv_store, tree=tmp_path, run=None))


# ------------------------------------------------------------------ tampering


def test_tripwire_reported_passed_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(kv_store, completed(kv_store, tripwire="passed"))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == "the tripwire test, which always fails, was reported as passed"
    assert measurement.flags[0] == measurement.reason


def test_tripwire_reported_skipped_is_tamper(kv_store: Challenge) -> None:
    # an xfail mark forged onto the tripwire makes pytest report it as "skipped"
    measurement = grade(kv_store, completed(kv_store, tripwire="skipped"))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "tripwire" in measurement.reason
    assert "skipped" in measurement.reason


def test_forged_passes_printed_by_the_tests_are_ignored(kv_store: Challenge) -> None:
    # the tests print a complete, passing, report line of their own; the wrapper keeps it in
    # its JSON-escaped output field, so it never starts a line of the container's stdout
    forged = MARKER.decode() + json.dumps(completed(kv_store))
    honest = completed(kv_store, failed=[FAILED_CORE])
    honest["output"] = f"noise\n{forged}\n"
    measurement = grade(kv_store, honest)
    assert measurement.outcome is Outcome.TEST_FAILURES
    assert statuses(measurement)[FAILED_CORE] is CaseStatus.FAILED


def test_unknown_node_id_is_tamper(kv_store: Challenge) -> None:
    events = suite_events(kv_store) + phases("test_core.py::test_i_was_never_written")
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == (
        "the report names tests the hidden suite does not have: "
        "test_core.py::test_i_was_never_written"
    )


def test_test_missing_from_a_finished_run_is_tamper(kv_store: Challenge) -> None:
    missing = FAILED_TTL
    measurement = grade(kv_store, completed(kv_store, not_run=[missing]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == f"the run finished without a result for {missing}"
    assert statuses(measurement)[missing] is CaseStatus.NOT_RUN


def test_duplicate_phase_is_tamper(kv_store: Challenge) -> None:
    events = suite_events(kv_store, failed=[FAILED_CORE])
    events.append(_phase(FAILED_CORE, "call", "passed", ""))  # a second, better call result
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == f"results were reported twice for {FAILED_CORE}"


def test_exit_status_disagreeing_with_returncode_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(kv_store, report([*suite_events(kv_store), finished(0)], returncode=1))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == "pytest reported exit status 0 but the process exited with 1"


def test_returncode_zero_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(kv_store, report([*suite_events(kv_store), finished(0)], returncode=0))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == "the test process exited 0 although the tripwire must fail"


def test_collected_set_differing_is_tamper(kv_store: Challenge) -> None:
    dropped = scored_ids(kv_store)[-1]
    events = suite_events(kv_store)
    events[1]["node_ids"] = [n for n in events[1]["node_ids"] if n != dropped]
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == (
        f"the collected tests differ from the hidden suite (e.g. {dropped})"
    )


def test_collected_extra_test_is_tamper(kv_store: Challenge) -> None:
    events = suite_events(kv_store)
    events[1]["node_ids"].append("test_core.py::test_bonus")
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "test_core.py::test_bonus" in measurement.reason


def test_bad_event_lines_are_tamper(kv_store: Challenge) -> None:
    measurement = grade(kv_store, report([*suite_events(kv_store), finished(1)], bad_event_lines=1))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == "the test process wrote malformed or oversized result events"


def test_events_overflow_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(
        kv_store, report([*suite_events(kv_store), finished(1)], events_overflow=True)
    )
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED


@pytest.mark.parametrize(
    "bad_event",
    [
        {"event": "finished", "exit_status": 1, "forged": True},
        {"event": "phase", "node_id": FAILED_CORE, "when": "call"},
        {"event": "verdict", "passed": True},
        {
            "event": "phase",
            "node_id": FAILED_CORE,
            "when": "after",
            "outcome": "passed",
            "duration": 0.0,
            "message": "",
        },
    ],
)
def test_malformed_event_is_tamper(kv_store: Challenge, bad_event: Event) -> None:
    events = [*suite_events(kv_store), bad_event, finished(1)]
    measurement = grade(kv_store, report(events))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "malformed" in measurement.reason


def test_every_finding_is_flagged(kv_store: Challenge) -> None:
    events = suite_events(kv_store, tripwire="passed") + phases("test_x.py::test_forged")
    measurement = grade(kv_store, report([*events, finished(0)], returncode=0, bad_event_lines=2))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert len(measurement.flags) >= 4
    assert measurement.reason == measurement.flags[0]


# ------------------------------------------------------------------ crashes and no report


def test_collect_error_is_crash_with_the_import_error(kv_store: Challenge) -> None:
    message = (
        "ImportError while importing test module '/opt/takehome/suite/test_core.py'.\n"
        "Hint: make sure your test modules/packages have valid Python names.\n"
        "Traceback:\n"
        "test_core.py:7: in <module>\n"
        "    from kvstore import KVStore\n"
        "E   ModuleNotFoundError: No module named 'kvstore'\n"
    )
    events: list[Event] = [
        {"event": "start", "pytest": "7.2.1"},
        {"event": "collect_error", "node_id": "test_core.py", "message": message},
        {"event": "collected", "node_ids": [kv_store.tripwire]},
        finished(2),
    ]
    measurement = grade(kv_store, report(events, returncode=2))
    assert measurement.outcome is Outcome.CRASH
    assert measurement.reason == (
        "the hidden suite could not import the submission: "
        "E   ModuleNotFoundError: No module named 'kvstore'"
    )
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}
    assert measurement.flags == []


def test_results_before_the_tripwire_are_tamper(kv_store: Challenge) -> None:
    events = suite_events(kv_store)
    tripwire_phases = [e for e in events if e.get("node_id") == kv_store.tripwire]
    reordered = [e for e in events if e.get("node_id") != kv_store.tripwire] + tripwire_phases
    measurement = grade(kv_store, report([*reordered, finished()]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "came before the tripwire's" in measurement.reason


def test_a_forged_crash_with_every_test_passing_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(
        kv_store, report(suite_events(kv_store, not_run=[kv_store.tripwire]), returncode=3)
    )
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED


def test_process_dying_mid_run_is_crash(kv_store: Challenge) -> None:
    half = scored_ids(kv_store)[25:]
    measurement = grade(kv_store, report(suite_events(kv_store, not_run=half), returncode=3))
    assert measurement.outcome is Outcome.CRASH
    assert measurement.reason == "the test process died with code 3 mid-run"
    assert statuses(measurement)[scored_ids(kv_store)[0]] is CaseStatus.PASSED
    assert statuses(measurement)[half[-1]] is CaseStatus.NOT_RUN


def test_report_without_collection_is_no_report(kv_store: Challenge) -> None:
    events: list[Event] = [{"event": "start", "pytest": "7.2.1"}]
    measurement = grade(kv_store, report(events, returncode=1))
    assert measurement.outcome is Outcome.NO_REPORT
    assert measurement.reason == "the test process exited with code 1 before reporting any test"


def test_no_marker_is_no_report(kv_store: Challenge) -> None:
    measurement = evaluate(kv_store, run(b"Segmentation fault\n", exit_code=0))
    assert measurement.outcome is Outcome.NO_REPORT
    assert measurement.reason == "the run printed no report (exit code 0)"
    assert [r.node_id for r in measurement.results] == scored_ids(kv_store)
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}
    assert measurement.pytest_version is None
    assert measurement.suite_seconds is None


def test_no_report_after_oom_kill_is_memory_limit(kv_store: Challenge) -> None:
    measurement = evaluate(kv_store, run(b"", exit_code=137, oom_killed=True))
    assert measurement.outcome is Outcome.MEMORY_LIMIT
    assert measurement.reason == "the run was killed at the memory limit"
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}


def test_no_report_after_host_timeout_is_timeout(kv_store: Challenge) -> None:
    measurement = evaluate(kv_store, run(b"partial", exit_code=None, host_timed_out=True))
    assert measurement.outcome is Outcome.TIMEOUT
    assert measurement.reason == (
        "the run was killed at the wall timeout; nothing it printed is scored"
    )


def test_report_over_the_cap_is_no_report(kv_store: Challenge) -> None:
    big = completed(kv_store)
    big["output"] = "x" * REPORT_CAP
    stdout = wrapper_stdout(big)
    assert len(stdout) > REPORT_CAP
    measurement = evaluate(kv_store, run(stdout))
    assert measurement.outcome is Outcome.NO_REPORT
    assert "byte cap" in measurement.reason


def test_invalid_json_after_the_marker_is_no_report(kv_store: Challenge) -> None:
    measurement = grade(kv_store, b'{"takehome_report": 1, "events": [')
    assert measurement.outcome is Outcome.NO_REPORT
    assert measurement.reason.startswith("the report is malformed: Invalid JSON")
    assert measurement.reason.endswith("(exit code 0)")


@pytest.mark.parametrize(
    "change",
    [
        {"surprise": 1},
        {"takehome_report": 2},
        {"returncode": "one"},
        {"events": "[]"},
    ],
)
def test_report_with_wrong_fields_is_no_report(kv_store: Challenge, change: dict[str, Any]) -> None:
    bad = completed(kv_store)
    bad.update(change)
    measurement = grade(kv_store, bad)
    assert measurement.outcome is Outcome.NO_REPORT
    assert measurement.reason.startswith("the report is malformed")


def test_missing_report_field_is_no_report(kv_store: Challenge) -> None:
    bad = completed(kv_store)
    del bad["returncode"]
    assert grade(kv_store, bad).outcome is Outcome.NO_REPORT


def test_last_marker_wins(kv_store: Challenge) -> None:
    forged = completed(kv_store)
    real = completed(kv_store, failed=[FAILED_CORE])
    measurement = grade(kv_store, forged, real)
    assert measurement.outcome is Outcome.TEST_FAILURES
    assert statuses(measurement)[FAILED_CORE] is CaseStatus.FAILED
    # and the other way round, to show it is the position that decides
    assert grade(kv_store, real, forged).outcome is Outcome.PASSED


def test_marker_at_the_very_start_of_stdout_is_found(kv_store: Challenge) -> None:
    stdout = MARKER + json.dumps(completed(kv_store)).encode() + b"\n"
    assert evaluate(kv_store, run(stdout)).outcome is Outcome.PASSED


# ------------------------------------------------------------------ timeouts and memory


def test_wall_timeout_keeps_finished_results(kv_store: Challenge) -> None:
    ids = scored_ids(kv_store)
    ran, cut = ids[:10], ids[10:]
    events = suite_events(kv_store, not_run=cut)
    events += [_phase(cut[0], "setup", "passed", "")]  # the test running at the deadline
    measurement = grade(kv_store, report(events, returncode=-9, wall_timed_out=True))
    assert measurement.outcome is Outcome.TIMEOUT
    assert measurement.reason == "the run was stopped at the wall timeout"
    assert measurement.flags == []
    found = statuses(measurement)
    assert {found[node_id] for node_id in ran} == {CaseStatus.PASSED}
    assert {found[node_id] for node_id in cut} == {CaseStatus.NOT_RUN}


def test_per_test_timeout_marks_that_test(kv_store: Challenge) -> None:
    slow = "test_concurrency.py::test_concurrent_incr_is_atomic"
    measurement = grade(kv_store, completed(kv_store, timed_out=[slow]))
    assert measurement.outcome is Outcome.TIMEOUT
    assert measurement.reason == "1 test(s) hit the per-test timeout"
    found = statuses(measurement)
    assert found[slow] is CaseStatus.TIMEOUT
    assert list(found.values()).count(CaseStatus.TIMEOUT) == 1
    assert "Timeout >2.0s" in next(r.message for r in measurement.results if r.node_id == slow)


def test_per_test_timeout_wins_over_failures(kv_store: Challenge) -> None:
    slow = scored_ids(kv_store)[3]
    measurement = grade(kv_store, completed(kv_store, timed_out=[slow], failed=[FAILED_TTL]))
    assert measurement.outcome is Outcome.TIMEOUT
    assert statuses(measurement)[FAILED_TTL] is CaseStatus.FAILED


def test_sigkill_without_timeout_is_memory_limit(kv_store: Challenge) -> None:
    events = suite_events(kv_store, not_run=scored_ids(kv_store)[20:])
    measurement = grade(kv_store, report(events, returncode=-9))
    assert measurement.outcome is Outcome.MEMORY_LIMIT
    assert measurement.reason == "the run was killed at the memory limit"
    assert statuses(measurement)[scored_ids(kv_store)[0]] is CaseStatus.PASSED


def test_engine_oom_flag_is_memory_limit_even_with_a_report(kv_store: Challenge) -> None:
    events = suite_events(kv_store, not_run=scored_ids(kv_store)[20:])
    measurement = grade(kv_store, report(events, returncode=1), oom_killed=True)
    assert measurement.outcome is Outcome.MEMORY_LIMIT


# ------------------------------------------------------------------ hostile text


def test_failure_messages_are_cleaned_and_capped(kv_store: Challenge) -> None:
    nasty = "\x1b[2J\x1b[31mAssertionError\x1b[0m: \x00bo\x07om\r" + "\x1b]0;owned\x07" + "y" * 5000
    measurement = grade(
        kv_store, completed(kv_store, failed=[FAILED_CORE], messages={FAILED_CORE: nasty})
    )
    message = next(r.message for r in measurement.results if r.node_id == FAILED_CORE)
    assert message.startswith("AssertionError: boom")
    assert "\x1b" not in message
    assert "owned" not in message
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in message)
    assert len(message) <= MESSAGE_CAP
    assert "[...]" in message


def test_output_excerpt_is_cleaned_and_capped(kv_store: Challenge) -> None:
    output = "\x1b[1mhead\x1b[0m\n" + "z" * 20_000 + "\x9b31mtail"
    measurement = grade(kv_store, report([*suite_events(kv_store), finished(1)], output=output))
    excerpt = measurement.output_excerpt
    assert excerpt.startswith("head\n")
    assert excerpt.endswith("31mtail")
    assert "\x1b" not in excerpt
    assert "\x9b" not in excerpt
    assert len(excerpt) <= OUTPUT_CAP
    assert measurement.output_bytes == len(output.encode())


def test_reason_from_candidate_node_id_is_one_clean_line(kv_store: Challenge) -> None:
    # no "[" in it: parametrize ids are cut there, and this must survive to the reason
    forged = "test_core.py::test_\x1b]0;title\x07x\nPASSED: all tests passed" + "q" * 500
    events = suite_events(kv_store) + phases(forged)
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    for text in (measurement.reason, *measurement.flags):
        assert "\n" not in text
        assert "\x1b" not in text
        assert len(text) <= 300
    assert measurement.reason.startswith("the report names tests the hidden suite does not have")
    assert "PASSED" not in measurement.reason
