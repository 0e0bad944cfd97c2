"""Strict, versioned models of ``challenge.toml``.

Every field is described because the descriptions become the published JSON Schema that
challenge authors write against (``takehome schema challenge``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from challenges.units import Duration, Size, parse_duration, parse_size

CHALLENGE_SCHEMA_VERSION = 1


class Strict(BaseModel):
    """Base for every file-format model: unknown keys are errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedbackPolicy(StrEnum):
    """What a candidate may see of their own result."""

    NONE = "none"
    SUMMARY = "summary"
    VISIBLE_TESTS = "visible_tests"


class ImageSpec(Strict):
    base: str | None = Field(
        default=None,
        description="Base image; when absent the installation's base image setting is used.",
    )
    setup: list[str] = Field(
        default_factory=list,
        description="Shell commands run as root on top of the base image (one RUN step each).",
    )


class Limits(Strict):
    wall_timeout: Duration = Field(
        description='Whole run, e.g. "60s": then the container is killed.'
    )
    test_timeout: Duration = Field(description='Per-test timeout, e.g. "5s".')
    memory: Size = Field(description='Memory (and memory+swap) limit, e.g. "256m".')
    cpus: float = Field(gt=0, le=64, description="CPU quota in cores, e.g. 1.0.")
    pids: int = Field(ge=16, le=4096, description="Maximum number of processes and threads.")
    tmpfs: Size = Field(default="64m", description="Size of the writable /tmp inside the run.")

    @property
    def wall_seconds(self) -> float:
        return parse_duration(self.wall_timeout)

    @property
    def test_seconds(self) -> float:
        return parse_duration(self.test_timeout)

    @property
    def memory_bytes(self) -> int:
        return parse_size(self.memory)

    @property
    def tmpfs_bytes(self) -> int:
        return parse_size(self.tmpfs)


class SuiteSpec(Strict):
    runner: Literal["pytest"] = Field(default="pytest", description="The test runner.")
    dir: str = Field(
        default="tests", description="Hidden suite directory, relative to the challenge."
    )
    tripwire: str = Field(
        description="Node ID (relative to the suite dir) of the test that must always fail."
    )
    python_path: list[str] = Field(
        default_factory=lambda: ["."],
        description="Directories of the submission put on sys.path for the hidden suite.",
    )

    @field_validator("python_path")
    @classmethod
    def _relative_paths(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry.startswith("/") or ".." in entry.split("/"):
                raise ValueError(f"{entry!r} must be a path inside the submission")
        return value


DEFAULT_LINT_RULES = ["E", "F", "W", "B", "SIM", "UP", "C4", "RET", "PIE"]


class MeasureSpec(Strict):
    lint_select: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LINT_RULES),
        description="ruff rule codes or prefixes the lint grader checks (the grader's own set; "
        "the candidate's configuration is never read).",
    )
    complexity_threshold: int = Field(
        default=10, ge=1, description="Cyclomatic complexity above which a function is a hotspot."
    )
    late_policy: Literal["last_in_window", "head"] = Field(
        default="last_in_window",
        description="Which commit is graded when commits come after the time window.",
    )


class ChallengeConfig(Strict):
    schema_version: Literal[1] = Field(description="Version of this file format.")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="Slug, e.g. kv-store.")
    title: str = Field(min_length=1, description="Title shown to candidates and reviewers.")
    version: str = Field(min_length=1, description="Version of the challenge content.")
    language: Literal["python"] = Field(description="Language of submissions.")
    time_window: Duration = Field(description='Time a candidate has, e.g. "4h".')
    feedback: FeedbackPolicy = Field(description="What a candidate sees of their result.")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Hosts candidates may submit https repository URLs from."
    )
    network: bool = Field(
        default=False,
        description="Submissions are expected to use network libraries (runs never have a "
        "network); when false, network code is flagged for the reviewer.",
    )
    image: ImageSpec = Field(default_factory=ImageSpec, description="How the run image is built.")
    limits: Limits = Field(description="Resource limits of one run.")
    measure: MeasureSpec = Field(
        default_factory=MeasureSpec, description="How lint, complexity and history are measured."
    )
    tests: SuiteSpec = Field(description="The hidden suite.")
