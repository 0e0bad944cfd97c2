"""The graders this installation provides, by the ``source`` name rubric rows use.

Adding a grader is one module and one entry here: the pipeline measures with every entry of
``MEASURING`` before the run, and the tests check that the rubric format's metric names and the
scorecard's measurement fields agree with what the graders declare.
"""

from __future__ import annotations

from graders.base import Grader, MeasuringGrader
from graders.hidden_suite import SuiteGrader
from graders.measuring import ComplexityGrader, HistoryGrader, LintGrader
from graders.similarity.grader import SimilarityGrader

MEASURING: tuple[MeasuringGrader, ...] = (
    LintGrader(), ComplexityGrader(), HistoryGrader(), SimilarityGrader(),
)  # fmt: skip
"""Graders that read the tree before the run, in the order they run."""

GRADERS: dict[str, Grader] = {grader.name: grader for grader in (SuiteGrader(), *MEASURING)}


def available() -> list[str]:
    """Names a rubric may use as ``source`` or ``evidence``."""
    return sorted(GRADERS)
