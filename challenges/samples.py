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

from challenges.load import Challenge, load_toml_model
from challenges.model import Strict

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
    samples_dir = challenge.root / "samples"
    if samples_dir.is_dir():
        for path in sorted(p for p in samples_dir.iterdir() if p.is_dir()):
            expected = load_toml_model(path / "expected.toml", SampleExpectation)
            found.append(Sample(path.name, path, expected))
    return [sample for sample in found if sample.path.is_dir()]
