"""Grading a challenge's own solution, starter and samples against their expectations.

``sample_problems`` is the one verdict of one graded sample: its outcome, its tests score, its
automatic total and each row it declares a range for; the reference must also be at full marks
on every row it can be (the hidden suite's rows, lint and complexity at their top level).
``check_samples`` grades each sample once; ``runner.quality.gate`` adds repeated runs,
mutation analysis and the rest of the quality gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from challenges.load import Challenge
from challenges.samples import Sample, samples
from reports.scorecard import AutoRow, Scorecard
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage

FULL_MARKS_SOURCES = ("tests", "lint", "complexity")
"""The rows a reference solution can always fill to the top (history and similarity depend on
a repository and a cohort)."""


@dataclass(frozen=True)
class SampleCheck:
    sample: Sample
    scorecard: Scorecard
    percent: float | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def auto_percent(self) -> float | None:
        return auto_percent(self.scorecard)


def _percent(score: float | None, top: float) -> float | None:
    if score is None or not top:
        return None
    return round(100.0 * score / top, 2)


def tests_percent(scorecard: Scorecard) -> float | None:
    return _percent(scorecard.tests.score, scorecard.tests.max_score)


def auto_percent(scorecard: Scorecard) -> float | None:
    """The automatic total as a percentage of what the auto rows are worth."""
    return _percent(scorecard.auto_score, scorecard.auto_max_score)


def auto_rows(scorecard: Scorecard) -> dict[str, AutoRow]:
    return {row.id: row for row in scorecard.criteria if isinstance(row, AutoRow)}


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:g} %"


def _outside(what: str, value: float | None, bounds: tuple[float, float]) -> list[str]:
    low, high = bounds
    if value is not None and low <= value <= high:
        return []
    return [f"{what} {_shown(value)}, expected {low:g}-{high:g} %"]


def _reference_problems(scorecard: Scorecard) -> list[str]:
    return [
        f"row {row.id} ({row.source}) {row.score if row.score is not None else '—'}"
        f"/{row.max_score:g}, expected full marks"
        for row in auto_rows(scorecard).values()
        if row.source in FULL_MARKS_SOURCES and row.score != row.max_score
    ]


def sample_problems(sample: Sample, scorecard: Scorecard) -> list[str]:
    """Everything in which ``scorecard`` misses ``sample``'s expectation (empty: it meets it)."""
    expected = sample.expected
    problems = []
    if scorecard.outcome.value != expected.outcome:
        problems.append(f"outcome {scorecard.outcome.value}, expected {expected.outcome}")
    problems += _outside("tests", tests_percent(scorecard), expected.tests_score)
    if expected.auto_score is not None:
        problems += _outside("auto total", auto_percent(scorecard), expected.auto_score)
    rows = auto_rows(scorecard)
    for row_id, bounds in sorted(expected.rows.items()):
        row = rows.get(row_id)
        if row is None:
            problems.append(f"row {row_id}: no such automatic row in the rubric")
        else:
            problems += _outside(f"row {row_id}", _percent(row.score, row.max_score), bounds)
    if sample.name == "solution":
        problems += _reference_problems(scorecard)
    return problems


def sample_check(sample: Sample, scorecard: Scorecard) -> SampleCheck:
    return SampleCheck(sample, scorecard, tests_percent(scorecard),
                       sample_problems(sample, scorecard))  # fmt: skip


def check_samples(
    challenge: Challenge,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
) -> list[SampleCheck]:
    """Grade every sample of ``challenge`` once (reports under ``out_dir``) and compare."""
    checks = []
    for sample in samples(challenge):
        graded = grade(
            GradeRequest(source=str(sample.path), challenge=challenge, submission_id=sample.name),
            client,
            image,
            config,
            out_dir,
        )
        checks.append(sample_check(sample, graded.scorecard))
    return checks
