"""The graders this installation provides, by the ``source`` name rubric rows use.

Adding a grader is one module, one name in ``NAMES`` and one entry in ``measuring`` (or
``graders``): the pipeline measures with every entry of ``measuring()`` before the run, and the
tests check that the names, the rubric format's metric names and the scorecard's measurement
fields agree with what the graders declare.

Loading a challenge checks its rubric against ``NAMES`` alone: the graders' modules (ruff,
radon, Pygments and the similarity index behind them) load only when a grade measures, so a
one-shot grade's container starts without waiting for them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graders.base import Grader, MeasuringGrader

NAMES = ("tests", "lint", "complexity", "history", "similarity")
"""Every grader's ``name``; ``tests/graders/test_registry.py`` holds it to the graders."""


def available() -> list[str]:
    """Names a rubric may use as ``source`` or ``evidence``."""
    return sorted(NAMES)


@cache
def measuring() -> tuple[MeasuringGrader, ...]:
    """Graders that read the tree before the run, in the order they run."""
    from graders.measuring import ComplexityGrader, HistoryGrader, LintGrader
    from graders.similarity.grader import SimilarityGrader

    return LintGrader(), ComplexityGrader(), HistoryGrader(), SimilarityGrader()


@cache
def graders() -> dict[str, Grader]:
    """Every grader by name: the hidden suite's and the measuring ones."""
    from graders.hidden_suite import SuiteGrader

    return {grader.name: grader for grader in (SuiteGrader(), *measuring())}
