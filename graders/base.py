"""What every grader shares: the outcome taxonomy, the strict base model, the protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from challenges.load import Challenge
from graders.given import given_tree


class Outcome(StrEnum):
    """How a run ended, shown on every scorecard. Order of the members is severity order."""

    INFRA_ERROR = "infra_error"
    REPO_REJECTED = "repo_rejected"
    TAMPER_SUSPECTED = "tamper_suspected"
    NO_REPORT = "no_report"
    CRASH = "crash"
    MEMORY_LIMIT = "memory_limit"
    TIMEOUT = "timeout"
    TEST_FAILURES = "test_failures"
    PASSED = "passed"

    @property
    def scored(self) -> bool:
        """Infra errors and rejected repositories carry no score at all (never a zero)."""
        return self not in {Outcome.INFRA_ERROR, Outcome.REPO_REJECTED}

    @property
    def trusted(self) -> bool:
        """Whether the run may earn points at all: a forged or missing report scores 0 on
        every automatic row (fail closed), unlike the unscored outcomes above."""
        return self.scored and self not in {Outcome.TAMPER_SUSPECTED, Outcome.NO_REPORT}


class StrictModel(BaseModel):
    """Measurements are data we publish: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RunEvidence(StrictModel):
    """What the sandbox observed of one run, handed up by the runner; nothing here is trusted
    except the engine's own facts (exit code, OOM flag, the host-side timeout)."""

    exit_code: int | None = Field(description="Container exit code; None when it was killed.")
    oom_killed: bool = Field(description="The engine reports the memory limit was hit.")
    host_timed_out: bool = Field(description="The host killed the container at the wall timeout.")
    stdout: bytes = Field(description="The container's stdout, capped by the log driver.")
    seconds: float = Field(description="Wall time of the container run.")


@dataclass(frozen=True)
class Submission:
    """Everything a grader may look at: the exported tree, the fetched history and, after the
    run, its evidence."""

    challenge: Challenge
    tree: Path
    run: RunEvidence | None
    git_dir: Path | None = None
    commit: str | None = None
    window_start: datetime | None = None
    deadline: datetime | None = None
    push_time: datetime | None = None
    head: str | None = None
    """The fetched head, which the time window may have graded an older commit of: the history
    evidence lists every commit up to it, the late ones included (None: ``commit``)."""

    @property
    def starter(self) -> Path | None:
        """What the candidate was given (the starter, and ``handout/`` when there is one):
        not the candidate's work, so deltas are against it (``graders.given``)."""
        return given_tree(self.challenge.root, self.challenge.config.tests.dir)


class Grader(Protocol):
    """A measurement of a submission that feeds rubric rows of its ``source`` name."""

    @property
    def name(self) -> str:
        """The ``source`` name rubric rows use."""
        ...

    def measure(self, submission: Submission) -> BaseModel | None:
        """Measure without ever executing candidate code on the host (None: nothing to measure,
        such as the history of a plain directory)."""
        ...


class MeasuringGrader(Grader, Protocol):
    """A grader that reads the exported tree (or its history) before the run, and whose
    figures rubric thresholds read by name."""

    @property
    def metrics(self) -> frozenset[str]:
        """The names a rubric threshold may use (``challenges.rubric.METRICS`` must agree)."""
        ...


def sources(challenge: Challenge) -> set[str]:
    """Grader names a challenge's rubric relies on."""
    used: set[str] = set()
    for criterion in challenge.rubric.auto:
        used.add(criterion.source)
    for human in challenge.rubric.human:
        used.update(human.evidence)
    return used
