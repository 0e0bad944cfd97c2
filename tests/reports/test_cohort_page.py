"""The static cohort index: real flags stand out, routine notes do not count as alarms."""

from __future__ import annotations

from reports.flag_levels import alarms, is_alarm
from reports.render.cohort_page import render_index, row_of
from reports.scorecard import Flag, Scorecard

ROUTINE = [
    Flag(
        kind="history", message="commit dates come from the candidate's machine and can be forged"
    ),
    Flag(kind="history", message="the whole submission is in a single commit"),
    Flag(kind="infra", message="attempt 1 failed, retried: engine timeout"),
]
REAL = [
    Flag(kind="history", message="2 commits dated after the window ended (2026-11-20 13:00)"),
    Flag(kind="tamper", message="the report was written by the submission"),
    Flag(kind="static", message="kvstore.py:3: process: import subprocess"),
]


def test_routine_notes_are_not_alarms_and_real_findings_are() -> None:
    assert [is_alarm(flag) for flag in ROUTINE] == [False, False, False]
    assert [is_alarm(flag) for flag in REAL] == [True, True, True]


def test_the_index_counts_only_alarms(hostile_scorecard: Scorecard) -> None:
    quiet = hostile_scorecard.model_copy(update={"flags": ROUTINE})
    loud = hostile_scorecard.model_copy(update={
        "flags": [*ROUTINE, *REAL],
        "submission": hostile_scorecard.submission.model_copy(update={"id": "loud"}),
    })  # fmt: skip
    assert (row_of(quiet).flags, row_of(loud).flags) == (0, len(alarms(REAL)))
    html = render_index([row_of(quiet), row_of(loud)], "kv")
    assert html.count("to look at") == 1
    assert '<span class="alarm">3 to look at</span>' in html
