"""Sample solutions shipped with a challenge and the result each is expected to get.

Re-grading them whenever the suite, the image or the grader changes is how a challenge's
content stays honest: the reference must score 100 %, the starter 0 %, and each sample
(weak, buggy, hostile...) must land inside its declared range with its declared outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from challenges.errors import Problems
from challenges.files import is_directory
from challenges.load import Challenge
from challenges.model import Strict
from challenges.toml_files import load_toml_model

OutcomeName = Literal[
    "passed", "test_failures", "timeout", "memory_limit", "crash", "no_report", "tamper_suspected"
]


class SampleExpectation(Strict):
    schema_version: Literal[1] = Field(description="Version of this file format.")
    description: str = Field(min_length=1, description="What this sample is.")
    outcome: OutcomeName = Field(description="The outcome the sample must get.")
    tests_score: tuple[float, float] = Field(
        description="Inclusive range of the percentage of test points it must score."
    )

    @model_validator(mode="after")
    def _range(self) -> SampleExpectation:
        low, high = self.tests_score
        if not 0 <= low <= high <= 100:
            raise ValueError("tests_score must be [low, high] with 0 <= low <= high <= 100")
        return self


@dataclass(frozen=True)
class Sample:
    name: str
    path: Path
    expected: SampleExpectation


def samples(challenge: Challenge) -> list[Sample]:
    """The reference solution, the starter and every ``samples/<name>/``, with expectations."""
    found = [
        Sample(
            "solution",
            challenge.root / "solution",
            SampleExpectation(
                schema_version=1,
                description="reference solution",
                outcome="passed",
                tests_score=(100.0, 100.0),
            ),
        ),
        Sample(
            "starter",
            challenge.root / "starter",
            SampleExpectation(
                schema_version=1,
                description="starter code as given to candidates",
                outcome="test_failures",
                tests_score=(0.0, 0.0),
            ),
        ),
    ]
    found.extend(declared_samples(challenge.root))
    return [sample for sample in found if is_directory(sample.path)]


def declared_samples(root: Path) -> list[Sample]:
    """Every ``samples/<name>/`` with its ``expected.toml``; all problems in one error."""
    samples_dir = root / "samples"
    if not is_directory(samples_dir):
        return []
    found: list[Sample] = []
    problems = Problems()
    for path in sorted(p for p in samples_dir.iterdir() if is_directory(p)):
        expected = problems.collect(load_toml_model, path / "expected.toml", SampleExpectation)
        if expected is not None:
            found.append(Sample(path.name, path, expected))
    problems.raise_any()
    return found
