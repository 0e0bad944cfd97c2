"""Which flags are alarms and which are routine notes, so a cohort page can make the real
ones stand out.

An alarm is something a reviewer must look at before trusting the grade: a tampered report,
a static-scan finding, an intake problem, a file a tool could not read, commits or a push
after the window. A routine note is true of many honest submissions (commit dates can be
forged, one commit, a shallow history) or is about our own infrastructure (a retried run).
"""

from __future__ import annotations

from collections.abc import Iterable

from reports.scorecard import Flag

ROUTINE_KINDS = frozenset({"infra"})
"""Kinds that never say anything about the candidate (an engine failure we retried)."""
LATE_MARK = "after the window ended"
"""What the history notes that are alarms say (``HistoryMeasurement.flags``): late commits
and a push after the window. Every other history note is routine."""


def is_alarm(flag: Flag) -> bool:
    if flag.kind in ROUTINE_KINDS:
        return False
    if flag.kind == "history":
        return LATE_MARK in flag.message
    return True


def alarms(flags: Iterable[Flag]) -> list[Flag]:
    return [flag for flag in flags if is_alarm(flag)]
