"""The graders this installation provides, by the ``source`` name rubric rows use."""

from __future__ import annotations

from graders.base import Grader
from graders.hidden_suite import SuiteGrader
from graders.measuring import ComplexityGrader, HistoryGrader, LintGrader

GRADERS: dict[str, Grader] = {
    grader.name: grader
    for grader in (SuiteGrader(), LintGrader(), ComplexityGrader(), HistoryGrader())
}


def available() -> list[str]:
    """Names a rubric may use as ``source`` or ``evidence``."""
    return sorted(GRADERS)
