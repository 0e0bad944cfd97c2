"""Sample solutions shipped with a challenge and the result each is expected to get.

Re-grading them whenever the suite, the image or the grader changes is how a challenge's
content stays honest: the reference must score 100 %, the starter what it declares (by default
0 % on every automatic row), and each sample (weak, buggy, hostile, AI-written...) must land
inside its declared ranges with its declared outcome.

The starter's expectation is declared in ``samples/starter/expected.toml`` or in a
``[starter]`` table of ``challenge.toml`` (not both); the code graded is still ``starter/``,
and ``samples/starter/`` is never a sample of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from challenges.errors import ChallengeError, Problems
from challenges.files import is_directory
from challenges.load import Challenge
from challenges.model import ExpectedResult, OutcomeName
from challenges.toml_files import load_toml_model

__all__ = ["OutcomeName", "Sample", "SampleExpectation", "declared_samples", "samples"]

STARTER = "starter"


class SampleExpectation(ExpectedResult):
    schema_version: Literal[1] = Field(description="Version of this file format.")
    description: str = Field(min_length=1, description="What this sample is.")
    ai_written: bool = Field(
        default=False,
        description="Written by an AI assistant from the spec alone (its score is shown beside "
        "the human samples and held to [check] ai_ceiling when set).",
    )


@dataclass(frozen=True)
class Sample:
    name: str
    path: Path
    expected: SampleExpectation


REFERENCE = SampleExpectation(
    schema_version=1,
    description="reference solution",
    outcome="passed",
    tests_score=(100.0, 100.0),
)
DEFAULT_STARTER = SampleExpectation(
    schema_version=1,
    description="starter code as given to candidates",
    outcome="test_failures",
    tests_score=(0.0, 0.0),
    auto_score=(0.0, 0.0),
)


def starter_expectation(challenge: Challenge) -> SampleExpectation:
    """The starter's declared expectation, or the default (fails every test, 0 % overall)."""
    declared = challenge.root / "samples" / STARTER / "expected.toml"
    in_config = challenge.config.starter
    if declared.exists():
        if in_config is not None:
            raise ChallengeError(
                f"{declared}: the starter's expectation is also declared in challenge.toml "
                "[starter]: keep one"
            )
        return load_toml_model(declared, SampleExpectation)
    if in_config is not None:
        return SampleExpectation(
            schema_version=1,
            description=DEFAULT_STARTER.description,
            **in_config.model_dump(),
        )
    return DEFAULT_STARTER


def samples(challenge: Challenge) -> list[Sample]:
    """The reference solution, the starter and every ``samples/<name>/``, with expectations;
    one entry (hence one verdict) per name."""
    found = [
        Sample("solution", challenge.root / "solution", REFERENCE),
        Sample(STARTER, challenge.root / STARTER, starter_expectation(challenge)),
    ]
    found.extend(declared_samples(challenge.root))
    return [sample for sample in found if is_directory(sample.path)]


def declared_samples(root: Path) -> list[Sample]:
    """Every ``samples/<name>/`` with its ``expected.toml`` (``samples/starter/`` declares the
    starter's expectation and is not a sample); all problems in one error."""
    samples_dir = root / "samples"
    if not is_directory(samples_dir):
        return []
    found: list[Sample] = []
    problems = Problems()
    for path in sorted(p for p in samples_dir.iterdir() if is_directory(p)):
        if path.name == "solution":
            problems.add(f"{path}: 'solution' is the reference solution's name: rename the sample")
            continue
        expected = problems.collect(load_toml_model, path / "expected.toml", SampleExpectation)
        if expected is not None and path.name != STARTER:
            found.append(Sample(path.name, path, expected))
    problems.raise_any()
    return found
