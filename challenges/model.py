"""Strict, versioned models of ``challenge.toml``.

Every field is described because the descriptions become the published JSON Schema that
challenge authors write against (``takehome schema challenge``).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from challenges.units import Duration, Size, parse_duration, parse_size

CHALLENGE_SCHEMA_VERSION = 1


class Strict(BaseModel):
    """Base for every file-format model: unknown keys are errors, never silently dropped, and
    TOML's ``inf`` and ``nan`` are refused (a row worth ``inf`` points, or a bound of ``nan``
    that every comparison fails, would load and then break the arithmetic of every report)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _one_line(value: str, what: str) -> str:
    """Image settings become Dockerfile lines: a line break would start a new instruction."""
    if not value.strip() or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(f"{what} must be one non-empty line without control characters")
    return value


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

    @field_validator("base")
    @classmethod
    def _base_one_line(cls, value: str | None) -> str | None:
        return None if value is None else _one_line(value, "the base image")

    @field_validator("setup")
    @classmethod
    def _steps_one_line(cls, value: list[str]) -> list[str]:
        return [_one_line(step, "a setup step") for step in value]


MIN_CPUS = 0.01
MAX_RUN_SECONDS = 24 * 3600.0
MIN_MEMORY = 6 * 1024**2


class Limits(Strict):
    wall_timeout: Duration = Field(
        description='Whole run, e.g. "60s": then the container is killed.'
    )
    test_timeout: Duration = Field(description='Per-test timeout, e.g. "5s".')
    memory: Size = Field(description='Memory (and memory+swap) limit, e.g. "256m".')
    cpus: float = Field(
        ge=MIN_CPUS,
        le=64,
        description="CPU quota in cores, e.g. 1.0 (at least 0.01: the engine's smallest quota; "
        "a smaller one rounds to no limit at all).",
    )
    pids: int = Field(ge=16, le=4096, description="Maximum number of processes and threads.")
    tmpfs: Size = Field(default="64m", description="Size of the writable /tmp inside the run.")

    @field_validator("wall_timeout", "test_timeout")
    @classmethod
    def _at_most_a_day(cls, value: str) -> str:
        if parse_duration(value) > MAX_RUN_SECONDS:
            raise ValueError(f"{value!r} is longer than a run may take (at most 24h)")
        return value

    @field_validator("memory")
    @classmethod
    def _engine_minimum(cls, value: str) -> str:
        if parse_size(value) < MIN_MEMORY:
            raise ValueError(f"{value!r} is below the container engine's minimum of 6m")
        return value

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

    @field_validator("dir")
    @classmethod
    def _inside_the_challenge(cls, value: str) -> str:
        if not value.strip() or "\0" in value:
            raise ValueError("must name a directory of the challenge")
        if value.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", value):
            raise ValueError(f"{value!r} must be a path inside the challenge directory")
        return value

    @field_validator("python_path")
    @classmethod
    def _relative_paths(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry.startswith("/") or ".." in entry.split("/"):
                raise ValueError(f"{entry[:60]!r} must be a path inside the submission")
            if ":" in entry or any(ord(char) < 32 for char in entry):
                # entries are joined into PYTHONPATH, where ':' would add a directory
                raise ValueError(f"{entry[:60]!r} must not hold ':' or control characters")
        return value


DEFAULT_LINT_RULES = ["E", "F", "W", "B", "SIM", "UP", "C4", "RET", "PIE"]
LINT_SELECTOR = r"^(ALL|[A-Z]{1,12}[0-9]{0,6})$"
"""The shape of a ruff rule selector; whether ruff knows it is checked when a challenge loads."""
HOST = re.compile(
    r"(?=.{1,253}\Z)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+",
    re.IGNORECASE | re.ASCII,
)


class MeasureSpec(Strict):
    lint_select: list[Annotated[str, Field(pattern=LINT_SELECTOR)]] = Field(
        default_factory=lambda: list(DEFAULT_LINT_RULES),
        min_length=1,
        description="ruff rule codes or prefixes the lint grader checks (the grader's own set; "
        "the candidate's configuration is never read).",
    )
    complexity_threshold: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Cyclomatic complexity above which a function is a hotspot.",
    )
    late_policy: Literal["last_in_window", "head"] = Field(
        default="last_in_window",
        description="Which commit is graded when commits come after the time window.",
    )


OutcomeName = Literal[
    "passed", "test_failures", "timeout", "memory_limit", "crash", "no_report", "tamper_suspected"
]
PercentRange = tuple[float, float]


def check_range(value: PercentRange, what: str) -> PercentRange:
    low, high = value
    if not 0 <= low <= high <= 100:
        raise ValueError(f"{what} must be [low, high] with 0 <= low <= high <= 100")
    return value


class ExpectedResult(Strict):
    """What grading a sample (or the starter) must give: its outcome and score ranges."""

    outcome: OutcomeName = Field(description="The outcome the sample must get.")
    tests_score: PercentRange = Field(
        description="Inclusive range of the percentage of test points it must score."
    )
    auto_score: PercentRange | None = Field(
        default=None,
        description="Inclusive range of the percentage of the automatic total (every auto row) "
        "it must score; absent: not checked.",
    )
    rows: dict[str, PercentRange] = Field(
        default_factory=dict,
        description="Inclusive range, in percent of the row's points, per auto rubric row id "
        "(e.g. lint = [0, 100]); rows not listed are not checked one by one.",
    )

    @field_validator("tests_score", "auto_score")
    @classmethod
    def _score_range(cls, value: PercentRange | None, info: ValidationInfo) -> PercentRange | None:
        return None if value is None else check_range(value, str(info.field_name))

    @field_validator("rows")
    @classmethod
    def _row_ranges(cls, value: dict[str, PercentRange]) -> dict[str, PercentRange]:
        for row, bounds in value.items():
            check_range(bounds, f"the range of row {row!r}")
        return value


class CheckSpec(Strict):
    kill_rate: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="Least share of graded, non-equivalent mutants of the reference the hidden "
        "suite must kill (takehome challenge check).",
    )
    ai_ceiling: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="When set, every sample labelled ai_written must score at most this "
        "percentage of the automatic total.",
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
        default_factory=list,
        description="Hosts candidates may submit https repository URLs from, each by its full "
        "name (no wildcards, schemes, ports or paths).",
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
    check: CheckSpec = Field(
        default_factory=CheckSpec, description="Thresholds of the quality gate (challenge check)."
    )
    starter: ExpectedResult | None = Field(
        default=None,
        description="What the starter must score (default: outcome test_failures, 0 % on every "
        "auto row); samples/starter/expected.toml may declare it instead.",
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, value: list[str]) -> list[str]:
        for host in value:
            if "*" in host or "?" in host:
                raise ValueError(f"{host[:60]!r} is a wildcard: list each allowed host by name")
            if not HOST.fullmatch(host):
                raise ValueError(
                    f"{host[:60]!r} is not a host name such as github.com "
                    "(no scheme, port, path or wildcard)"
                )
        return value
