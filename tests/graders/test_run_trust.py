"""SECURITY.md rows 12, 13, 26 and 28 at the grader: what a report must be to be believed.

Synthetic wrapper output for the bundled kv-store challenge, built with the helpers of
test_tests.py: the host believes a report only from a wrapper that exited 0 in time, a
collect error never lets results count, a skip in the run is a failure, and a secret canary
reported passed is tamper.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from challenges.load import Challenge, load_challenge
from graders.base import Outcome
from graders.hidden_suite import CaseStatus, evaluate
from graders.registry import available
from reports.scorecard import SubmissionInfo
from reports.scoring import build_scorecard
from tests.graders.test_tests import (
    FAILED_CORE,
    completed,
    finished,
    grade,
    phases,
    report,
    run,
    scored_ids,
    statuses,
    suite_events,
    wrapper_stdout,
)
from tests.reports.conftest import provenance

CANARIES = ["test_core.py::test_keys_again_sorted", "test_ttl.py::test_expire_value_after"]


# ------------------------------------------------------------------ the wrapper's exit


@pytest.mark.parametrize(
    ("exit_code", "host_timed_out", "outcome"),
    [
        (137, False, Outcome.NO_REPORT),  # the wrapper was SIGKILLed after a forged line
        (None, True, Outcome.TIMEOUT),  # the wrapper was SIGSTOPped; the host killed it
        (1, False, Outcome.NO_REPORT),  # the wrapper died of an exception
        (0, True, Outcome.TIMEOUT),  # exited 0, but only after the host's deadline
    ],
)
def test_a_full_passing_report_from_a_wrapper_that_did_not_exit_normally_scores_nothing(
    kv_store: Challenge, exit_code: int | None, host_timed_out: bool, outcome: Outcome
) -> None:
    measurement = evaluate(
        kv_store,
        run(
            wrapper_stdout(completed(kv_store)), exit_code=exit_code, host_timed_out=host_timed_out
        ),
    )
    assert measurement.outcome is outcome
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}
    if outcome is Outcome.NO_REPORT:
        assert measurement.reason == f"the wrapper did not exit normally (exit code {exit_code})"


def test_the_same_report_from_a_wrapper_that_exited_0_in_time_is_believed(
    kv_store: Challenge,
) -> None:
    assert grade(kv_store, completed(kv_store)).outcome is Outcome.PASSED


# ------------------------------------------------------------------ collect errors

IMPORT_ERROR = "E   ModuleNotFoundError: No module named 'kvstore'"


def test_a_forged_collect_error_beside_passing_results_is_tamper_and_nothing_counts(
    kv_store: Challenge,
) -> None:
    events = suite_events(kv_store)  # everything passes, the tripwire fails
    events.insert(1, {"event": "collect_error", "node_id": "test_x.py", "message": "E boom"})
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "although collection failed" in measurement.reason
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}


def test_a_forged_collect_error_with_a_partial_set_still_counts_no_pass(
    kv_store: Challenge,
) -> None:
    # the attack of issue 10: some tests forged as passed, the others left out of
    # "collected", and a collect error to explain the gap
    kept = [kv_store.tripwire, *scored_ids(kv_store)[:30]]
    events = [e for e in suite_events(kv_store) if e.get("node_id", kv_store.tripwire) in kept]
    events[1] = {"event": "collected", "node_ids": kept}
    events.insert(1, {"event": "collect_error", "node_id": "test_ttl.py", "message": "E x"})
    measurement = grade(kv_store, report([*events, finished(2)], returncode=2))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert CaseStatus.PASSED not in set(statuses(measurement).values())


def test_collected_tests_outside_the_suite_are_tamper_even_with_a_collect_error(
    kv_store: Challenge,
) -> None:
    events = [
        {"event": "start", "pytest": "7.2.1"},
        {"event": "collect_error", "node_id": "test_core.py", "message": IMPORT_ERROR},
        {"event": "collected", "node_ids": [kv_store.tripwire, "test_core.py::test_bonus"]},
        finished(2),
    ]
    measurement = grade(kv_store, report(events, returncode=2))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "test_core.py::test_bonus" in measurement.reason


def test_an_honest_collect_error_is_a_crash(kv_store: Challenge) -> None:
    events = [
        {"event": "start", "pytest": "7.2.1"},
        {"event": "collect_error", "node_id": "test_core.py", "message": IMPORT_ERROR},
        {"event": "collected", "node_ids": [kv_store.tripwire, *scored_ids(kv_store)[12:]]},
        finished(2),
    ]
    measurement = grade(kv_store, report(events, returncode=2))
    assert measurement.outcome is Outcome.CRASH
    assert measurement.flags == []
    assert set(statuses(measurement).values()) == {CaseStatus.NOT_RUN}


def test_a_repeated_collected_event_is_tamper(kv_store: Challenge) -> None:
    events = suite_events(kv_store)
    events.insert(2, dict(events[1]))
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == "the test process sent its 'collected' event twice"


def test_results_before_collection_ended_are_tamper(kv_store: Challenge) -> None:
    # forged at import (during collection), then the process SIGKILLs itself: no "collected"
    events = [e for e in suite_events(kv_store) if e["event"] == "phase"]
    measurement = grade(kv_store, report(events, returncode=-9))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason.endswith("came before the tests were collected")


def test_results_that_skip_over_a_collected_test_are_tamper(kv_store: Challenge) -> None:
    # forged passes for a chosen subset, then death: pytest runs tests in collected order
    events = suite_events(kv_store)
    skipped_over = events[1]["node_ids"][5]
    events = [e for e in events if e.get("node_id") != skipped_over]
    measurement = grade(kv_store, report(events, returncode=-9))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "out of the order the tests were collected in" in measurement.reason


# ------------------------------------------------------------------ skips


def test_one_skipped_instance_of_a_parametrized_test_fails_it(kv_store: Challenge) -> None:
    node_id = scored_ids(kv_store)[0]
    events = suite_events(kv_store, not_run=[node_id])
    events[1]["node_ids"] = [n for n in events[1]["node_ids"] if n != node_id] + [
        f"{node_id}[a]",
        f"{node_id}[b]",
    ]
    events += phases(f"{node_id}[a]")
    events += phases(f"{node_id}[b]", "skipped", "Skipped: candidate said so")
    measurement = grade(kv_store, report([*events, finished(1)]))
    assert statuses(measurement)[node_id] is CaseStatus.FAILED
    assert measurement.outcome is Outcome.TEST_FAILURES
    assert measurement.reason == "1 of 49 tests did not pass"


@pytest.fixture(scope="module")
def skipping_kv(tmp_path_factory: pytest.TempPathFactory, kv_store: Challenge) -> Challenge:
    """kv-store whose suite skips two core tests itself: a pytest mark and unittest.skip."""
    copy = tmp_path_factory.mktemp("skipping") / "kv-store"
    shutil.copytree(kv_store.root, copy)
    core = copy / "tests" / "test_core.py"
    core.write_text(
        "import unittest\n"
        + core.read_text()
        + "\n\n@pytest.mark.skip(reason='spec change pending')\n"
        "def test_skipped_by_a_mark():\n    assert False\n"
        "\n\n@unittest.skip('legacy')\ndef test_skipped_by_unittest():\n    assert False\n"
    )
    return load_challenge(Path(copy), available())


def test_tests_the_suite_skips_are_not_scored_and_never_charged(skipping_kv: Challenge) -> None:
    skipped = ["test_core.py::test_skipped_by_a_mark", "test_core.py::test_skipped_by_unittest"]
    events = suite_events(skipping_kv, not_run=skipped)
    for node_id in skipped:
        events += phases(node_id, setup="skipped", message="Skipped: by the suite")
    measurement = grade(skipping_kv, report([*events, finished(1)]))
    assert measurement.outcome is Outcome.PASSED, measurement.reason
    assert measurement.reason == "all 49 tests passed"
    found = statuses(measurement)
    assert [found[node_id] for node_id in skipped] == [CaseStatus.SKIPPED] * 2
    info = SubmissionInfo(id="s", source="/tmp/s", ref=None, commit="sha256:00")
    card = build_scorecard(skipping_kv, info, measurement, provenance(skipping_kv), [])
    assert card.tests.score == card.tests.max_score == 75  # never charged
    by_id = {entry.node_id: entry for entry in card.tests.results}
    assert [(by_id[n].score, by_id[n].max_score) for n in skipped] == [(0.0, 0.0)] * 2


# ------------------------------------------------------------------ canaries


def _with_canaries(challenge: Challenge, outcome: str = "failed", **kwargs: object) -> dict:
    events = suite_events(challenge)
    events[1]["node_ids"] = [*events[1]["node_ids"], *CANARIES]
    for canary in CANARIES:
        events += phases(
            canary, outcome, "E   assert 3 == (3, 'x7k')" if outcome != "passed" else ""
        )
    return report([*events, finished(1)], canaries=CANARIES, **kwargs)  # type: ignore[arg-type]


def test_failing_canaries_leave_an_honest_run_passed(kv_store: Challenge) -> None:
    measurement = grade(kv_store, _with_canaries(kv_store))
    assert measurement.outcome is Outcome.PASSED
    assert measurement.flags == []
    assert not set(CANARIES) & set(statuses(measurement))  # canaries are never scored


def test_a_canary_reported_passed_is_tamper(kv_store: Challenge) -> None:
    measurement = grade(kv_store, _with_canaries(kv_store, "passed"))
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == (
        f"the secret canary {CANARIES[0]}, a copy of a hidden test made to fail, was reported "
        "as passed"
    )
    assert len(measurement.flags) == 2


def test_a_canary_missing_from_a_finished_run_is_tamper(kv_store: Challenge) -> None:
    forged = _with_canaries(kv_store)
    forged["events"] = [e for e in forged["events"] if e.get("node_id") != CANARIES[1]]
    measurement = grade(kv_store, forged)
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert measurement.reason == f"the run finished without a result for {CANARIES[1]}"


def test_canaries_dropped_from_collection_are_tamper(kv_store: Challenge) -> None:
    forged = report([*suite_events(kv_store), finished(1)], canaries=CANARIES)
    measurement = grade(kv_store, forged)
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "collected tests differ" in measurement.reason


def test_a_canary_named_like_a_hidden_test_is_tamper(kv_store: Challenge) -> None:
    forged = report([*suite_events(kv_store), finished(1)], canaries=[FAILED_CORE])
    measurement = grade(kv_store, forged)
    assert measurement.outcome is Outcome.TAMPER_SUSPECTED
    assert "canaries repeat or name tests" in measurement.reason
