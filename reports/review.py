"""Completing a scorecard: independent reviews, then one merge into the final grade.

The rules only: a reviewer's ratings checked against the scorecard's human rows, and the
merge of every review into the final grade (median level per row, disagreements of two levels
or more kept for the debrief, the total, the decision). Where reviews are kept is the store's
business (``runner.reviewing``); every rejection names the row and the reason.
"""

from __future__ import annotations

import json
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from challenges.base_error import TakehomeError
from challenges.files import read_text
from challenges.load import format_validation_error
from challenges.rubric import MAX_LEVEL
from reports.scorecard import (
    Decision,
    Disagreement,
    HumanRow,
    Rating,
    Recommendation,
    Review,
    Scorecard,
    Status,
)

_REVIEWER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
DISAGREEMENT_LEVELS = 2


class ReviewError(TakehomeError):
    """A rating, a review or a finalization is refused."""


class RatingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int | None = Field(default=None, description="Level 1-4 (rows with levels).")
    items: list[str] | None = Field(default=None, description="Checklist item ids earned.")
    justification: str = Field(default="", description="Why, in a sentence or two.")


class RatingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewer: str | None = Field(default=None, description="Must match --reviewer when given.")
    ratings: dict[str, RatingInput] = Field(description="Rating per human row id.")


RATINGS_CAP = 1024 * 1024
"""Largest ratings file: a review of a dozen rows is a few kilobytes."""
_SHAPE = "expected ratings: {ROW: {level: N, justification: TEXT}}"


MAX_DIGITS = 100
"""An integer longer than this is no rating: it is kept as ``TooLong`` (which no field
accepts) rather than converted, so the error names its field, and no conversion runs into
Python's 4,300-digit limit."""


class TooLong:
    """An integer of more than MAX_DIGITS characters, as the parsers leave it."""


def _json_int(text: str) -> int | TooLong:
    return int(text) if len(text) <= MAX_DIGITS else TooLong()


class _Loader(yaml.SafeLoader):
    """YAML's safe loader with ``_json_int``'s rule for integers."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int | TooLong:  # type: ignore[override]
        text = str(self.construct_scalar(node))
        return super().construct_yaml_int(node) if len(text) <= MAX_DIGITS else TooLong()


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _parse(path: Path, text: str) -> object:
    """The document in ``text``, by its content: JSON is tried first (YAML 1.1 reads most of
    JSON, not all of it), then YAML; the suffix only picks which error to report. Whatever a
    parser cannot take (a thousand levels deep, a date that does not exist) is a ReviewError
    naming the file, never a crash."""
    try:
        return json.loads(text, parse_int=_json_int)
    except ValueError as error:
        json_error = " ".join(str(error).split())
    except RecursionError:
        json_error = "nested too deeply"
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        yaml_error = " ".join(str(error).split())
    except (RecursionError, MemoryError):
        yaml_error = "nested too deeply"
    except (ValueError, OverflowError, TypeError) as error:  # a date such as 2026-02-30
        yaml_error = " ".join(str(error).split())
    if path.suffix.lower() == ".json":
        raise ReviewError(f"{path}: not valid JSON: {json_error[:300]}")
    raise ReviewError(f"{path}: not valid YAML (or JSON): {yaml_error[:300]}")


def load_ratings(path: Path) -> RatingsFile:
    """A ratings file in YAML or JSON, whatever its name (``.txt``, no suffix); errors name
    the file and the field. It is read like every other input file (``challenges.files``):
    a regular file of bounded size in UTF-8, so a directory, a FIFO or a device is refused
    rather than read forever."""
    text = read_text(path, ReviewError, RATINGS_CAP)
    if not text.strip():
        raise ReviewError(f"{path}: the file is empty; {_SHAPE}")
    data = _parse(path, text)
    if not isinstance(data, dict):
        raise ReviewError(f"{path}: not a mapping of fields; {_SHAPE}")
    try:
        return RatingsFile.model_validate(data)
    except ValidationError as error:
        raise ReviewError(format_validation_error(str(path), error, data)) from None
    except RecursionError:
        raise ReviewError(f"{path}: nested too deeply") from None


def _human_rows(card: Scorecard) -> dict[str, HumanRow]:
    return {row.id: row for row in card.criteria if isinstance(row, HumanRow)}


def check_level(row: HumanRow, level: int | None) -> int:
    """A level for a row rated by level: 1 to 4. The one rule for a typed answer and a file."""
    if level is None or not row.levels:
        raise ReviewError("rate this row with a level from 1 to 4")
    if not 1 <= level <= MAX_LEVEL:
        shown = level if abs(level) < 10**6 else "far"  # 5,000 digits: no
        raise ReviewError(f"level {shown} is out of range 1-4")
    return level


def check_items(row: HumanRow, items: list[str] | None) -> list[str]:
    """The checklist items earned on a checklist row: ids the row has, each once."""
    if items is None or row.levels:
        raise ReviewError("rate this checklist row with items")
    known = [item.id for item in row.items]
    if unknown := [item for item in items if item not in known]:
        raise ReviewError(f"unknown checklist item {unknown[0][:60]!r} "
                          f"(items: {', '.join(known)})")  # fmt: skip
    if len(set(items)) < len(items):  # each item's points count once
        raise ReviewError("a checklist item is listed twice")
    return items


def check_justification(text: str) -> str:
    """Why, in the reviewer's words: required; kept without surrounding blanks."""
    if not text.strip():
        raise ReviewError("a justification is required")
    return text.strip()


def check_rating(row: HumanRow, given: RatingInput) -> Rating:
    """One row's rating, by the same rules ``takehome review`` applies to each answer as it
    is typed; the message names neither the row nor the file (``build_review`` adds them)."""
    justification = check_justification(given.justification)
    if row.levels:
        if given.items is not None:
            raise ReviewError("rate this row with a level from 1 to 4")
        return Rating(row=row.id, level=check_level(row, given.level), items=None,
                      justification=justification)  # fmt: skip
    if given.level is not None:
        raise ReviewError("rate this checklist row with items")
    return Rating(row=row.id, level=None, items=check_items(row, given.items),
                  justification=justification)  # fmt: skip


def _rating(row: HumanRow, given: RatingInput, where: str) -> Rating:
    try:
        return check_rating(row, given)
    except ReviewError as error:
        raise ReviewError(f"{where}: {row.id}: {error}") from None


def check_reviewer(reviewer: str) -> None:
    """A reviewer name is stored and shown: plain characters (checked before a review is
    typed, so a bad name never costs the reviewer their answers)."""
    if not _REVIEWER.fullmatch(reviewer):  # match's $ lets a final newline through
        raise ReviewError(f"{reviewer[:70]!r}: a reviewer name is letters, digits, '.', '_' "
                          "or '-'")  # fmt: skip


def build_review(
    card: Scorecard, reviewer: str, ratings: dict[str, RatingInput], where: str
) -> Review:
    """Check ``ratings`` against the scorecard's human rows; every row rated, nothing else."""
    check_reviewer(reviewer)
    rows = _human_rows(card)
    if unknown := sorted(set(ratings) - set(rows)):
        raise ReviewError(f"{where}: {unknown[0][:60]}: not a human row of this scorecard "
                          f"(rows: {', '.join(rows)})")  # fmt: skip
    if missing := [row_id for row_id in rows if row_id not in ratings]:
        raise ReviewError(f"{where}: {missing[0]}: not rated (every human row needs a rating)")
    return Review(
        reviewer=reviewer,
        submitted_at=datetime.now(UTC).replace(microsecond=0),
        ratings=[_rating(rows[row_id], ratings[row_id], where) for row_id in rows],
    )


def check_open(card: Scorecard, where: str) -> None:
    """A scorecard takes reviews and a decision only while it has a grade and is not complete."""
    if not card.outcome.scored:
        raise ReviewError(f"{where}: a {card.outcome.value} scorecard has no grade to "
                          "complete; grade the submission again")  # fmt: skip
    if card.status is Status.COMPLETE:
        raise ReviewError(f"{where}: the scorecard is already complete")


def _merge_row(row: HumanRow, reviews: list[Review]) -> tuple[HumanRow, Disagreement | None]:
    ratings = {}
    for review in reviews:
        rating = next((x for x in review.ratings if x.row == row.id), None)
        if rating is None or (row.levels and rating.level is None):
            raise ReviewError(f"the review of {review.reviewer}: {row.id}: no level given; "
                              "that reviewer must rate this row again")  # fmt: skip
        ratings[review.reviewer] = rating
    if row.levels:
        levels = {name: rating.level for name, rating in ratings.items() if rating.level}
        level = int(statistics.median_low(levels.values()))
        score = round(row.max_score * level / MAX_LEVEL, 2)
        spread = max(levels.values()) - min(levels.values())
        disagreement = (
            Disagreement(row=row.id, levels=levels) if spread >= DISAGREEMENT_LEVELS else None
        )
        return row.model_copy(update={"level": level, "score": score}), disagreement
    worth = {item.id: item.points for item in row.items}
    sums = [sum(worth[i] for i in rating.items or []) for rating in ratings.values()]
    return row.model_copy(update={"score": round(statistics.median_low(sums), 2)}), None


def merge_reviews(
    card: Scorecard, reviews: list[Review], recommendation: Recommendation, reason: str,
    decided_by: str, where: str,
) -> Scorecard:  # fmt: skip
    """The complete scorecard: the reviews merged row by row (median level, the lower of an
    even count), disagreements kept for the debrief, the total and the decision."""
    check_open(card, where)
    if not reviews:
        raise ReviewError(f"{where}: no reviews yet (takehome review / scorecard complete)")
    if not reason.strip():
        raise ReviewError("--reason: a reason for the recommendation is required")
    if not decided_by.strip():
        raise ReviewError("--by: who decides is required")
    rows, disagreements = [], []
    for row in card.criteria:
        if isinstance(row, HumanRow):
            row, disagreement = _merge_row(row, reviews)
            disagreements += [disagreement] if disagreement else []
        rows.append(row)
    total = round(
        (card.auto_score or 0.0) + sum(r.score or 0.0 for r in rows if r.kind == "human"), 2
    )
    return card.model_copy(update={
        "criteria": rows, "reviews": reviews, "status": Status.COMPLETE, "score": total,
        "decision": Decision(
            recommendation=recommendation, reason=reason.strip(), decided_by=decided_by.strip(),
            decided_at=datetime.now(UTC).replace(microsecond=0), disagreements=disagreements,
        ),
    })  # fmt: skip
