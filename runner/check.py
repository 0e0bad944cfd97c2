"""Grading a challenge's own solution, starter and samples against their expectations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from challenges.load import Challenge
from challenges.samples import Sample, samples
from reports.scorecard import Scorecard
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage


@dataclass(frozen=True)
class SampleCheck:
    sample: Sample
    scorecard: Scorecard
    percent: float | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def tests_percent(scorecard: Scorecard) -> float | None:
    if scorecard.tests.score is None or not scorecard.tests.max_score:
        return None
    return round(100.0 * scorecard.tests.score / scorecard.tests.max_score, 2)


def _problems(sample: Sample, scorecard: Scorecard, percent: float | None) -> list[str]:
    expected = sample.expected
    problems = []
    if scorecard.outcome.value != expected.outcome:
        problems.append(f"outcome {scorecard.outcome.value}, expected {expected.outcome}")
    low, high = expected.tests_score
    if percent is None or not low <= percent <= high:
        problems.append(f"tests score {percent} %, expected {low:g}-{high:g} %")
    return problems


def check_samples(
    challenge: Challenge,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
) -> list[SampleCheck]:
    """Grade every sample of ``challenge`` (reports under ``out_dir``) and compare."""
    checks = []
    for sample in samples(challenge):
        graded = grade(
            GradeRequest(source=str(sample.path), challenge=challenge, submission_id=sample.name),
            client,
            image,
            config,
            out_dir,
        )
        percent = tests_percent(graded.scorecard)
        checks.append(
            SampleCheck(
                sample, graded.scorecard, percent, _problems(sample, graded.scorecard, percent)
            )
        )
    return checks
