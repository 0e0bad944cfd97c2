"""Flaky tests: a test whose status differs between runs of the same code.

Runs that ended in a wall timeout stop wherever the clock cut them, so in those runs a test
that was not reached (``not_run``) or was cut (``timeout``) tells nothing and is left out; runs
that could not be graded (infra error) are left out whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from graders.base import Outcome
from reports.scorecard import Scorecard

_UNREACHED = {"not_run", "timeout"}


@dataclass(frozen=True)
class Flaky:
    sample: str
    node_id: str
    statuses: dict[str, int]
    """How many runs gave each status."""

    def describe(self) -> str:
        counts = ", ".join(f"{status} x{count}" for status, count in sorted(self.statuses.items()))
        return f"{self.sample}: {self.node_id} ({counts})"


def graded_runs(cards: Sequence[Scorecard]) -> list[Scorecard]:
    return [card for card in cards if card.outcome is not Outcome.INFRA_ERROR]


def flaky_tests(sample: str, cards: Sequence[Scorecard]) -> list[Flaky]:
    """The tests of ``sample`` whose status was not the same in every graded run."""
    seen: dict[str, Counter[str]] = {}
    for card in graded_runs(cards):
        cut = card.outcome is Outcome.TIMEOUT
        for case in card.tests.results:
            status = case.status.value
            if cut and status in _UNREACHED:
                continue
            seen.setdefault(case.node_id, Counter())[status] += 1
    return [
        Flaky(sample, node_id, dict(statuses))
        for node_id, statuses in sorted(seen.items())
        if len(statuses) > 1
    ]


def outcomes(cards: Sequence[Scorecard]) -> dict[str, int]:
    """How many graded runs ended in each outcome."""
    return dict(Counter(card.outcome.value for card in graded_runs(cards)))
