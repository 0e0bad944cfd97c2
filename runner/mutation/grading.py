"""Mutants as submissions: written out as copies of the reference, graded like a batch.

A mutant is *killed* when the hidden suite's test score drops below full marks (a crash, a
timeout or a failed test all count); it *survives* when the suite still gives it every test
point. A mutant whose grading failed on our side (infra error, rejected tree) is neither and
is left out of the kill rate, named apart.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from challenges.load import Challenge
from graders.base import Outcome
from reports.scorecard import Scorecard
from runner.mutation.mutants import Mutant
from runner.pipeline import GradeRequest

MutantStatus = Literal["killed", "survived", "not graded"]
NOT_GRADED = {Outcome.INFRA_ERROR, Outcome.REPO_REJECTED}


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    status: MutantStatus
    outcome: str
    tests: str
    """Passed over total tests, e.g. ``48/49``."""


@dataclass(frozen=True)
class MutationReport:
    distinct: int
    """Distinct mutants the operators made of the reference (before selection)."""
    equivalent: list[Mutant]
    results: list[MutantResult]
    threshold: float

    def _count(self, status: MutantStatus) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def killed(self) -> int:
        return self._count("killed")

    @property
    def survived(self) -> list[MutantResult]:
        return [result for result in self.results if result.status == "survived"]

    @property
    def not_graded(self) -> list[MutantResult]:
        return [result for result in self.results if result.status == "not graded"]

    @property
    def kill_rate(self) -> float | None:
        judged = self.killed + len(self.survived)
        return self.killed / judged if judged else None

    @property
    def passed(self) -> bool:
        rate = self.kill_rate
        return rate is not None and rate >= self.threshold


def mutant_id(index: int) -> str:
    return f"mutant-{index:03d}"


def write_mutant(solution: Path, mutant: Mutant, dest: Path) -> Path:
    """A copy of the reference at ``dest`` with the mutated file in place of the original."""
    shutil.copytree(solution, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    (dest / mutant.file).write_text(mutant.source + "\n", encoding="utf-8")
    return dest


def mutant_requests(
    challenge: Challenge, mutants: Sequence[Mutant], work: Path
) -> list[GradeRequest]:
    """One request per mutant, its tree written under ``work``."""
    solution = challenge.root / "solution"
    return [
        GradeRequest(
            source=str(write_mutant(solution, mutant, work / mutant_id(index))),
            challenge=challenge,
            submission_id=mutant_id(index),
        )
        for index, mutant in enumerate(mutants, start=1)
    ]


def judge(mutant: Mutant, card: Scorecard) -> MutantResult:
    tests = f"{card.tests.passed}/{card.tests.total}"
    if card.outcome in NOT_GRADED:
        return MutantResult(mutant, "not graded", card.outcome.value, tests)
    full = card.tests.score is not None and card.tests.score >= card.tests.max_score
    return MutantResult(mutant, "survived" if full else "killed", card.outcome.value, tests)
