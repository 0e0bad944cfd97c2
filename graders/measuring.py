"""The measuring graders behind rubric sources lint, complexity and history.

Thin adapters from a ``Submission`` to the measuring functions, so that the pipeline can run
whichever graders a rubric names through one registry. Lint and complexity both start from
what the candidate wrote (``graders.candidate_work``): the first to ask computes it, the
second finds it cached for the same tree, and both record the one verdict for scoring.
Neither raises on a candidate's file, however hostile: such a file is named in the
measurement, because an exception here is taken for an engine failure and retried.
"""

from __future__ import annotations

from challenges.units import parse_duration
from graders.base import Submission
from graders.complexity import ComplexityMeasurement, measure_complexity
from graders.history.commits import HistoryMeasurement, measure_history
from graders.history.time_window import TimeWindow
from graders.lint import LintMeasurement, measure_lint


def time_window(submission: Submission) -> TimeWindow:
    return TimeWindow(
        start=submission.window_start,
        length_seconds=parse_duration(submission.challenge.config.time_window),
        deadline=submission.deadline,
    )


class LintGrader:
    name = "lint"
    metrics = frozenset({"findings", "errors", "per_kloc", "added_findings"})

    def measure(self, submission: Submission) -> LintMeasurement:
        select = submission.challenge.config.measure.lint_select
        return measure_lint(submission.tree, submission.starter, select)


class ComplexityGrader:
    name = "complexity"
    metrics = frozenset({"mean_cc", "max_cc", "over_threshold", "min_mi", "mean_mi", "lloc"})

    def measure(self, submission: Submission) -> ComplexityMeasurement:
        threshold = submission.challenge.config.measure.complexity_threshold
        return measure_complexity(submission.tree, submission.starter, threshold)


class HistoryGrader:
    name = "history"
    metrics = frozenset(
        {"commits", "late_commits", "span_hours", "single_commit", "largest_commit_share"}
    )

    def measure(self, submission: Submission) -> HistoryMeasurement | None:
        """None for a plain directory: there is no history to read."""
        if submission.git_dir is None or submission.commit is None:
            return None
        return measure_history(
            submission.git_dir, submission.commit, time_window(submission), submission.push_time,
            head=submission.head,
        )  # fmt: skip
