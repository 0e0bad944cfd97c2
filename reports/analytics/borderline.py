"""Where reviewers disagree: the widest-disagreement submissions per row (for the next
calibration session) and the agreement of each pair of reviewers (for the heatmap)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from reports.analytics.records import RatingRecord, units

BORDERLINE_PER_ROW = 10
MIN_PAIR_UNITS = 10
"""A pair of reviewers who rated fewer submission rows together: greyed, too few."""


@dataclass(frozen=True)
class Borderline:
    submission: str
    criterion: str
    levels: dict[str, int]
    spread: int


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    units: int
    """Submission rows both rated."""
    exact: float
    mean_difference: float
    """Mean of first's level minus second's on the rows both rated."""

    @property
    def trusted(self) -> bool:
        return self.units >= MIN_PAIR_UNITS


def borderline(ratings: list[RatingRecord], per_row: int = BORDERLINE_PER_ROW) -> list[Borderline]:
    """Per row, the submissions whose reviewers are furthest apart (a spread of 1 level at
    least), widest first; ties by the variance of their levels, then the submission."""
    found: dict[str, list[tuple[int, float, str, Borderline]]] = {}
    for (submission, criterion), rated in units(ratings).items():
        if len(rated) < 2:
            continue
        levels = {r.reviewer: r.level for r in rated}
        spread = max(levels.values()) - min(levels.values())
        if spread < 1:
            continue
        case = Borderline(submission, criterion, dict(sorted(levels.items())), spread)
        mean = sum(levels.values()) / len(levels)
        variance = sum((x - mean) ** 2 for x in levels.values())
        found.setdefault(criterion, []).append((-spread, -variance, submission, case))
    result = []
    for criterion in sorted(found):
        result += [case for *_, case in sorted(found[criterion])[:per_row]]
    return result


def pair_agreement(ratings: list[RatingRecord]) -> list[PairAgreement]:
    """Every pair of reviewers who rated a submission row together, names in order."""
    tally: dict[tuple[str, str], list[int]] = {}
    for rated in units(ratings).values():
        levels = {r.reviewer: r.level for r in rated}
        for first, second in combinations(sorted(levels), 2):
            tally.setdefault((first, second), []).append(levels[first] - levels[second])
    return [
        PairAgreement(first, second, len(diffs), sum(d == 0 for d in diffs) / len(diffs),
                      sum(diffs) / len(diffs))
        for (first, second), diffs in sorted(tally.items())
    ]  # fmt: skip
