"""Strict, versioned models of ``rubric.toml``: auto rows fed by graders, human rows
with anchors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from challenges.model import Strict

RUBRIC_SCHEMA_VERSION = 1

Source = Literal["tests", "lint", "complexity", "history", "similarity"]
"""Measurements a rubric row can be scored from or show as evidence."""


class TestSelector(Strict):
    __test__ = False

    marker: str | None = Field(default=None, description="pytest marker selecting the tests.")
    keyword: str | None = Field(
        default=None, description="Substring of the node ID selecting the tests."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TestSelector:
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
    points: float = Field(gt=0, description="Points this row is worth.")
    select: TestSelector | None = Field(
        default=None, description="For source=tests: the test group of this row."
    )
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="For source=tests: weight per test function name (default 1).",
    )

    @model_validator(mode="after")
    def _weights_positive(self) -> AutoCriterion:
        for name, weight in self.weights.items():
            if weight <= 0:
                raise ValueError(f"weight of {name!r} must be positive")
        return self


class Level(Strict):
    level: int = Field(ge=1, le=4, description="Level number, 1 (lowest) to 4.")
    anchor: str = Field(min_length=1, description="Concrete, observable behaviour at this level.")


class ChecklistItem(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Item identifier.")
    text: str = Field(min_length=1, description='What earns the points, e.g. "explains why...".')
    points: float = Field(gt=0, description="Points for this item.")


class HumanCriterion(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Row identifier.")
    kind: Literal["human"] = Field(description="Rated by reviewers.")
    title: str = Field(min_length=1, description="Row title.")
    question: str = Field(min_length=1, description="The question the reviewer answers.")
    points: float = Field(gt=0, description="Points this row is worth.")
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
    total_points: float = Field(gt=0, description="Sum of all rows' points.")
    criteria: list[Criterion] = Field(min_length=1, description="The rows, in report order.")

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
