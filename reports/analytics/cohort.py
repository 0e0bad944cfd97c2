"""What a cohort's scorecards say about the hidden suite and the human rows: per-test pass
rates (tests no one or everyone passes flagged: candidates for rewriting the suite) and the
rank correlation of each human row with the automatic scores."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from graders.hidden_suite import CaseStatus
from reports.analytics.records import RatingRecord
from reports.scorecard import Scorecard

MIN_CORRELATED = 10
"""Fewer submissions with both a human level and an automatic score: greyed, too few."""


@dataclass(frozen=True)
class TestRate:
    node_id: str
    group: str
    passed: int
    runs: int

    @property
    def rate(self) -> float:
        return self.passed / self.runs if self.runs else 0.0

    @property
    def flag(self) -> str | None:
        """ "no one passes" or "everyone passes" (from two scored runs on), else None."""
        if self.runs < 2:
            return None
        if self.passed == 0:
            return "no one passes"
        return "everyone passes" if self.passed == self.runs else None


@dataclass(frozen=True)
class Correlation:
    criterion: str
    against: str
    """"total" (the automatic score) or a test group's name."""
    rho: float | None
    submissions: int

    @property
    def trusted(self) -> bool:
        return self.rho is not None and self.submissions >= MIN_CORRELATED


def pass_rates(cards: list[Scorecard]) -> list[TestRate]:
    """Each test's pass rate over the scored scorecards, lowest first."""
    passed: dict[tuple[str, str], int] = defaultdict(int)
    runs: dict[tuple[str, str], int] = defaultdict(int)
    for card in cards:
        if not card.outcome.scored:
            continue
        for case in card.tests.results:
            runs[(case.node_id, case.group)] += 1
            passed[(case.node_id, case.group)] += case.status is CaseStatus.PASSED
    rates = [TestRate(node, group, passed[(node, group)], n) for (node, group), n in runs.items()]
    return sorted(rates, key=lambda t: (t.rate, t.node_id))


def ranks(values: list[float]) -> np.ndarray:
    """Ranks from 1, ties sharing their average rank."""
    _, inverse, counts = np.unique(
        np.asarray(values, dtype=np.float64), return_inverse=True, return_counts=True
    )
    before = np.cumsum(counts) - counts
    average: np.ndarray = (before + (counts + 1) / 2)[inverse]
    return average


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rank correlation (Pearson's on average ranks); None when a side is constant."""
    if len(a) < 3:
        return None
    x, y = ranks(a), ranks(b)
    if x.std() == 0 or y.std() == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _automatic(card: Scorecard) -> dict[str, float]:
    found: dict[str, float] = {}
    if card.auto_score is not None and card.auto_max_score:
        found["total"] = card.auto_score / card.auto_max_score
    earned: dict[str, float] = defaultdict(float)
    worth: dict[str, float] = defaultdict(float)
    for case in card.tests.results:
        earned[case.group] += case.score or 0.0
        worth[case.group] += case.max_score
    found |= {f"tests: {g}": earned[g] / worth[g] for g in sorted(worth) if worth[g] > 0}
    return found


def human_vs_automatic(ratings: list[RatingRecord], cards: list[Scorecard]) -> list[Correlation]:
    """Per human row, Spearman's rho of its median level with the automatic score and with
    each test group's share of points, over the scored submissions both exist for."""
    automatic = {c.submission.id: _automatic(c) for c in cards if c.outcome.scored}
    levels: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in ratings:
        if r.submission in automatic:
            levels[(r.criterion, r.submission)].append(r.level)
    medians = {key: statistics.median(found) for key, found in levels.items()}
    result = []
    for criterion in sorted({criterion for criterion, _ in levels}):
        subs = sorted(s for c, s in levels if c == criterion)
        for name in sorted({name for s in subs for name in automatic[s]}):
            pairs = [(medians[(criterion, s)], automatic[s][name])
                     for s in subs if name in automatic[s]]  # fmt: skip
            rho = spearman([p[0] for p in pairs], [p[1] for p in pairs])
            result.append(Correlation(criterion, name, rho, len(pairs)))
    return result
