"""Strict, versioned models of ``rubric.toml``: auto rows fed by graders, human rows
with anchors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from challenges.model import Strict

RUBRIC_SCHEMA_VERSION = 1

Source = Literal["tests", "lint", "complexity", "history", "similarity"]
"""Measurements a rubric row can be scored from or show as evidence."""

METRICS: dict[str, frozenset[str]] = {
    "lint": frozenset({"findings", "errors", "per_kloc", "added_findings"}),
    "complexity": frozenset({"mean_cc", "max_cc", "over_threshold", "min_mi", "mean_mi", "lloc"}),
    "history": frozenset(
        {"commits", "late_commits", "span_hours", "single_commit", "largest_commit_share"}
    ),
    "similarity": frozenset({"max_similarity"}),
}
"""What each measuring grader reports, by the names thresholds use."""
MAX_LEVEL = 4
MAX_POINTS = 1_000_000.0
"""Largest points or weight of one row or item: more is a typo, and sums of such rows lose
the precision the scorecard's totals are checked with."""


class Threshold(Strict):
    level: int = Field(ge=2, le=MAX_LEVEL, description="Level given when the bound holds.")
    max: float | None = Field(default=None, description="Holds when the metric is <= max.")
    min: float | None = Field(default=None, description="Holds when the metric is >= min.")

    @model_validator(mode="after")
    def _one_bound(self) -> Threshold:
        if (self.max is None) == (self.min is None):
            raise ValueError("give exactly one of max or min")
        return self

    def holds(self, value: float) -> bool:
        if self.max is not None:
            return value <= self.max
        return self.min is not None and value >= self.min


class CaseSelector(Strict):
    marker: str | None = Field(
        default=None, min_length=1, description="pytest marker selecting the tests."
    )
    keyword: str | None = Field(
        default=None,
        min_length=1,
        description="Substring of the node ID selecting the tests (an empty one would select all).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> CaseSelector:
        if (self.marker is None) == (self.keyword is None):
            raise ValueError("give exactly one of marker or keyword")
        return self

    def matches(self, node_id: str, markers: frozenset[str]) -> bool:
        if self.marker is not None:
            return self.marker in markers
        return self.keyword is not None and self.keyword in node_id

    def describe(self) -> str:
        return f"marker {self.marker!r}" if self.marker else f"keyword {self.keyword!r}"


class AutoCriterion(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Row identifier.")
    kind: Literal["auto"] = Field(description="Scored from measurements.")
    title: str = Field(min_length=1, description="Row title.")
    source: Source = Field(description="Grader that feeds this row.")
    points: float = Field(gt=0, le=MAX_POINTS, description="Points this row is worth.")
    select: CaseSelector | None = Field(
        default=None, description="For source=tests: the test group of this row."
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="For source=tests: weight per test function name (default 1).",
    )
    metric: str | None = Field(
        default=None, description="For measuring sources: the measurement thresholds apply to."
    )
    thresholds: list[Threshold] = Field(
        default_factory=list,
        description="For measuring sources: level per bound, best level first; else level 1.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> AutoCriterion:
        for name, weight in self.weights.items():
            if not 0 < weight <= MAX_POINTS:
                raise ValueError(f"weight of {name!r} must be positive and at most {MAX_POINTS:g}")
        if self.source == "tests":
            if self.metric is not None or self.thresholds:
                raise ValueError("a tests row is scored by its tests: no metric or thresholds")
            return self
        if self.select is not None or self.weights:
            raise ValueError(f"select and weights are for tests rows, not {self.source}")
        known = METRICS[self.source]
        if self.metric not in known:
            raise ValueError(
                f"metric {self.metric!r} is not one of {self.source}'s: {', '.join(sorted(known))}"
            )
        self._check_thresholds()
        return self

    def _check_thresholds(self) -> None:
        if not self.thresholds:
            raise ValueError("a measured row needs thresholds")
        levels = [threshold.level for threshold in self.thresholds]
        if levels != sorted(set(levels), reverse=True):
            raise ValueError("threshold levels must be distinct, best (highest) first")
        if len({threshold.max is None for threshold in self.thresholds}) > 1:
            raise ValueError("thresholds must all use max, or all use min")
        bounds = [t.max if t.max is not None else t.min for t in self.thresholds]
        ascending = self.thresholds[0].max is not None
        if bounds != sorted(bounds, reverse=not ascending):  # type: ignore[type-var]
            raise ValueError("threshold bounds must loosen as the level goes down")

    def level_for(self, value: float) -> int:
        """The first level whose bound holds, else 1."""
        return next((t.level for t in self.thresholds if t.holds(value)), 1)


class Level(Strict):
    level: int = Field(ge=1, le=4, description="Level number, 1 (lowest) to 4.")
    anchor: str = Field(min_length=1, description="Concrete, observable behaviour at this level.")


class ChecklistItem(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Item identifier.")
    text: str = Field(min_length=1, description='What earns the points, e.g. "explains why...".')
    points: float = Field(gt=0, le=MAX_POINTS, description="Points for this item.")


class HumanCriterion(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Row identifier.")
    kind: Literal["human"] = Field(description="Rated by reviewers.")
    title: str = Field(min_length=1, description="Row title.")
    question: str = Field(min_length=1, description="The question the reviewer answers.")
    points: float = Field(gt=0, le=MAX_POINTS, description="Points this row is worth.")
    levels: list[Level] = Field(default_factory=list, description="Levels 1-4 with anchors.")
    items: list[ChecklistItem] = Field(
        default_factory=list, description="Checklist items (instead of levels)."
    )
    evidence: list[Source] = Field(
        default_factory=list, description="Measurements shown beside this row, e.g. tests."
    )

    @model_validator(mode="after")
    def _levels_or_items(self) -> HumanCriterion:
        if bool(self.levels) == bool(self.items):
            raise ValueError("give either four levels or checklist items, not both or neither")
        if self.levels and sorted(level.level for level in self.levels) != [1, 2, 3, 4]:
            raise ValueError("levels must be exactly 1, 2, 3 and 4, each once")
        if self.items and abs(sum(item.points for item in self.items) - self.points) > 1e-9:
            raise ValueError(
                f"checklist item points add up to {sum(i.points for i in self.items):g}, "
                f"not the row's {self.points:g}"
            )
        return self


Criterion = Annotated[AutoCriterion | HumanCriterion, Field(discriminator="kind")]


class Rubric(Strict):
    schema_version: Literal[1] = Field(description="Version of this file format.")
    version: str = Field(min_length=1, description="Rubric version, recorded on every scorecard.")
    total_points: float = Field(gt=0, le=MAX_POINTS, description="Sum of all rows' points.")
    criteria: list[Criterion] = Field(min_length=1, description="The rows, in report order.")
    unscored: list[CaseSelector] = Field(
        default_factory=list,
        description="Hidden tests that run and are shown but earn and cost nothing (extra "
        "credit, optional checks), each a marker or keyword; they need no row.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.id in seen:
                raise ValueError(f"criterion id {criterion.id!r} is used twice")
            seen.add(criterion.id)
        total = sum(criterion.points for criterion in self.criteria)
        if abs(total - self.total_points) > 1e-9:
            raise ValueError(
                f"criteria points add up to {total:g}, not total_points = {self.total_points:g}"
            )
        return self

    @property
    def auto(self) -> list[AutoCriterion]:
        return [c for c in self.criteria if isinstance(c, AutoCriterion)]

    @property
    def human(self) -> list[HumanCriterion]:
        return [c for c in self.criteria if isinstance(c, HumanCriterion)]
