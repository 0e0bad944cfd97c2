"""The scorecard: the one document every report, export and review is made from.

Strict and versioned because it outlives the code that wrote it: reviewers complete it weeks
later, regrades compare against it, and analytics read cohorts of them.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from challenges.base_error import TakehomeError
from challenges.json_files import load_json_model
from graders.base import Outcome
from graders.complexity import ComplexityMeasurement
from graders.hidden_suite import CaseStatus
from graders.history.commits import HistoryMeasurement
from graders.lint import LintMeasurement
from graders.similarity.grader import SimilarityMeasurement

SCORECARD_SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Status(StrEnum):
    PARTIAL = "partial"
    COMPLETE = "complete"


class SubmissionInfo(_Model):
    id: str = Field(description="Submission id: the directory name of its reports.")
    source: str = Field(description="Repository URL or path as given to the grader.")
    ref: str | None = Field(description="The ref asked for, if any.")
    commit: str = Field(description="Commit SHA graded, or sha256:<hash> of a plain directory.")


class ChallengeInfo(_Model):
    id: str = Field(description="Challenge slug.")
    version: str = Field(description="Challenge content version.")
    title: str = Field(description="Challenge title.")


class CaseEntry(_Model):
    node_id: str = Field(description="pytest node ID relative to the hidden suite.")
    name: str = Field(description="Test function name.")
    group: str = Field(description="Rubric row this test scores for.")
    status: CaseStatus = Field(description="Result of the test.")
    score: float | None = Field(description="Points earned; null when the run was not scored.")
    max_score: float = Field(description="Points the test is worth.")
    duration: float = Field(description="Seconds, all phases.")
    message: str = Field(description="Short failure message (cleaned, capped).")


class SuiteSummary(_Model):
    passed: int = Field(description="Tests that passed.")
    failed: int = Field(description="Tests that did not pass (failed, error, timeout, not run).")
    total: int = Field(description="Scored tests in the hidden suite.")
    not_scored: int = Field(
        default=0,
        description="Tests run and shown but worth nothing: skipped by the suite itself or "
        "declared unscored in rubric.toml; not in passed, failed or total.",
    )
    score: float | None = Field(description="Points from tests; null when not scored.")
    max_score: float = Field(description="Points the tests are worth.")
    suite_seconds: float | None = Field(description="Time the suite took inside the container.")
    output_bytes: int = Field(description="Bytes the tests printed.")
    output_excerpt: str = Field(description="Head and tail of what the tests printed.")
    results: list[CaseEntry] = Field(description="One entry per test.")


class LevelAnchor(_Model):
    level: int = Field(description="Level 1-4.")
    anchor: str = Field(description="Observable behaviour at this level.")


class ChecklistEntry(_Model):
    id: str = Field(description="Item id.")
    text: str = Field(description="What earns the points.")
    points: float = Field(description="Points of the item.")


class AutoRow(_Model):
    kind: Literal["auto"] = Field(description="Filled by a grader.")
    id: str = Field(description="Rubric criterion id.")
    title: str = Field(description="Row title.")
    source: str = Field(description="Grader that filled it.")
    score: float | None = Field(description="Points; null when the run was not scored.")
    max_score: float = Field(description="Points the row is worth.")
    level: int | None = Field(description="Level, for rows scored by level thresholds.")
    detail: str = Field(description="What the score is made of, in one line.")


class HumanRow(_Model):
    kind: Literal["human"] = Field(description="Rated by reviewers.")
    id: str = Field(description="Rubric criterion id.")
    title: str = Field(description="Row title.")
    question: str = Field(description="The question reviewers answer.")
    score: float | None = Field(description="Points; null until rated.")
    max_score: float = Field(description="Points the row is worth.")
    level: int | None = Field(description="Agreed level; null until rated.")
    levels: list[LevelAnchor] = Field(description="Levels with their anchors.")
    items: list[ChecklistEntry] = Field(description="Checklist items, for checklist rows.")
    evidence: list[str] = Field(description="Measurements to show beside the row.")


Row = Annotated[AutoRow | HumanRow, Field(discriminator="kind")]


class Flag(_Model):
    kind: str = Field(
        description="Where the finding comes from: intake, static (scan of the tree), tamper "
        "(integrity of the run's report) or infra (an engine failure that was retried)."
    )
    message: str = Field(description="The finding, for the reviewer.")


class Provenance(_Model):
    commit: str = Field(description="Commit SHA (or content hash) graded.")
    image_id: str | None = Field(description="Docker image id the suite ran in.")
    image_tag: str | None = Field(
        default=None,
        description="The run image's content tag (a hash of everything built into it): the "
        "same on every engine, so it, not the id, says whether a grade can be reused.",
    )
    suite_hash: str = Field(description="sha256 of the hidden suite.")
    rubric_version: str = Field(description="Rubric version.")
    challenge_version: str = Field(description="Challenge version.")
    tool_versions: dict[str, str] = Field(description="takehome, python, pytest, engine...")
    timings: dict[str, float] = Field(description="Seconds per pipeline stage.")
    graded_at: datetime = Field(description="When grading finished (UTC).")
    head: str | None = Field(
        default=None,
        description="The head commit fetched, before the time window chose the one to grade; "
        "with the suite hash and the image, what makes a grade reusable.",
    )


class Rating(_Model):
    row: str = Field(description="Human rubric row id.")
    level: int | None = Field(description="Level 1-4, for rows with levels.")
    items: list[str] | None = Field(description="Checklist item ids earned, for checklist rows.")
    justification: str = Field(min_length=1, description="Why, in the reviewer's words.")


class Review(_Model):
    reviewer: str = Field(
        min_length=1,
        description="Who rated (never shown to other reviewers before they submit their own).",
    )
    submitted_at: datetime = Field(description="When the ratings were submitted (UTC).")
    ratings: list[Rating] = Field(description="One rating per human row.")


class Recommendation(StrEnum):
    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class Disagreement(_Model):
    row: str = Field(description="Human row the reviewers disagree on.")
    levels: dict[str, int] = Field(description="Level given by each reviewer.")


class Decision(_Model):
    recommendation: Recommendation = Field(description="The overall recommendation.")
    reason: str = Field(min_length=1, description="Why.")
    decided_by: str = Field(min_length=1, description="Who finalized the scorecard.")
    decided_at: datetime = Field(description="When (UTC).")
    disagreements: list[Disagreement] = Field(
        description="Rows whose levels differ by two or more: for the debrief."
    )


class Measurements(_Model):
    lint: LintMeasurement | None = Field(default=None, description="ruff, the grader's rules.")
    complexity: ComplexityMeasurement | None = Field(default=None, description="radon.")
    history: HistoryMeasurement | None = Field(
        default=None, description="git history; null for a plain directory."
    )
    similarity: SimilarityMeasurement | None = Field(
        default=None, description="Nearest known solution or earlier submission."
    )

    def incomplete(self, source: str) -> str | None:
        """Why a source's figures cannot score (a file its tool could not read), if so."""
        tools: dict[str, LintMeasurement | ComplexityMeasurement | SimilarityMeasurement | None]
        tools = {"lint": self.lint, "complexity": self.complexity, "similarity": self.similarity}
        measured = tools.get(source)
        return measured.unmeasured() if measured is not None else None

    def note(self, source: str) -> str | None:
        """What a measured row's detail adds to its figure: similarity's nearest matches."""
        return self.similarity.note() if source == "similarity" and self.similarity else None

    def metric(self, source: str, name: str) -> float | None:
        """One figure a rubric threshold reads, or None when that source was not measured."""
        measured = {"lint": self.lint, "complexity": self.complexity, "history": self.history,
                    "similarity": self.similarity}  # fmt: skip
        found = measured.get(source)
        return None if found is None else found.metrics().get(name)


class Scorecard(_Model):
    schema_version: Literal[1] = Field(description="Version of the scorecard format.")
    submission: SubmissionInfo = Field(description="What was graded.")
    challenge: ChallengeInfo = Field(description="Against which challenge.")
    status: Status = Field(description="partial until every human row is rated.")
    outcome: Outcome = Field(description="How the run ended.")
    reason: str = Field(description="One line explaining the outcome.")
    auto_score: float | None = Field(description="Points from auto rows; null when not scored.")
    auto_max_score: float = Field(description="Points auto rows are worth.")
    score: float | None = Field(description="Total points; null until complete.")
    max_score: float = Field(description="Total points of the rubric.")
    tests: SuiteSummary = Field(description="The hidden suite's results.")
    criteria: list[Row] = Field(description="One row per rubric criterion, in rubric order.")
    flags: list[Flag] = Field(description="Findings for the reviewer.")
    provenance: Provenance = Field(description="What it takes to reproduce this grade.")
    measurements: Measurements = Field(
        default_factory=Measurements, description="Lint, complexity and history, as evidence."
    )
    reviews: list[Review] = Field(
        default_factory=list, description="Each reviewer's independent ratings, once finalized."
    )
    decision: Decision | None = Field(default=None, description="Set when finalized.")
    blind: bool = Field(
        default=False, description="Identity of the candidate removed from this scorecard."
    )


class ScorecardError(TakehomeError):
    """A scorecard file is missing, not JSON, or not a valid scorecard."""


def load_scorecard(path: Path) -> Scorecard:
    """Read a ``scorecard.json``; errors name the file and the field."""
    return load_json_model(path, Scorecard, ScorecardError)
