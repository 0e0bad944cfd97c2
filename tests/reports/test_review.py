"""Completing a scorecard: two independent reviews, then finalize; every rejection says why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reports.render.pages import write_reports
from reports.review import RatingInput, ReviewError, build_review, load_ratings, merge_reviews
from reports.scorecard import Recommendation, Scorecard, load_scorecard

ROWS = ["organisation", "documentation", "design_reasoning", "testing_habits"]


@pytest.fixture
def scorecard_path(hostile_scorecard: Scorecard, tmp_path: Path) -> Path:
    return write_reports(hostile_scorecard, tmp_path / "cand")["scorecard.json"]


def _ratings(levels: list[int], note: str) -> dict[str, RatingInput]:
    return {
        row: RatingInput(level=level, justification=f"{note} on {row}")
        for row, level in zip(ROWS, levels, strict=True)
    }


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (
            {
                **_ratings([3, 3, 3, 3], "x"),
                "organisation": RatingInput(level=5, justification="j"),
            },
            "organisation: level 5 is out of range 1-4",
        ),
        (
            {**_ratings([3, 3, 3, 3], "x"), "documentation": RatingInput(level=2)},
            "documentation: a justification is required",
        ),
        (
            {**_ratings([3, 3, 3, 3], "x"), "charisma": RatingInput(level=2, justification="j")},
            "charisma: not a human row of this scorecard",
        ),
        (
            {k: v for k, v in _ratings([3, 3, 3, 3], "x").items() if k != "testing_habits"},
            "testing_habits: not rated",
        ),
        (
            {
                **_ratings([3, 3, 3, 3], "x"),
                "organisation": RatingInput(items=["a"], justification="j"),
            },
            "organisation: rate this row with a level from 1 to 4",
        ),
    ],
)
def test_bad_ratings_are_refused_naming_the_row(scorecard_path, ratings, message):
    card = load_scorecard(scorecard_path)
    with pytest.raises(ReviewError, match=f"^ratings\\.yaml: {re.escape(message)}"):
        build_review(card, "ana", ratings, "ratings.yaml")


def test_reviewer_names_are_plain_names(scorecard_path):
    card = load_scorecard(scorecard_path)
    with pytest.raises(ReviewError, match="a reviewer name is"):
        build_review(card, "../../etc/passwd", _ratings([3, 3, 3, 3], "x"), "test")


def test_a_review_without_a_level_for_a_row_is_refused_at_the_merge(scorecard_path):
    card = load_scorecard(scorecard_path)
    review = build_review(card, "ana", _ratings([3, 3, 3, 3], "ana"), "test")
    review.ratings[0] = review.ratings[0].model_copy(update={"level": None})
    with pytest.raises(ReviewError, match="the review of ana: organisation: no level given"):
        merge_reviews(card, [review], Recommendation.NO, "r", "hm", "card")
    review.ratings.pop(0)
    with pytest.raises(ReviewError, match="the review of ana: organisation: no level given"):
        merge_reviews(card, [review], Recommendation.NO, "r", "hm", "card")


def test_finalize_needs_a_reason_and_who_decides(scorecard_path):
    card = load_scorecard(scorecard_path)
    review = build_review(card, "ana", _ratings([3, 3, 3, 3], "ana"), "test")
    with pytest.raises(ReviewError, match="--reason: a reason for the recommendation"):
        merge_reviews(card, [review], Recommendation.NO, "  ", "hm", "card")
    with pytest.raises(ReviewError, match="--by: who decides is required"):
        merge_reviews(card, [review], Recommendation.NO, "r", "", "card")


def test_ratings_files_in_yaml_and_json(tmp_path):
    (tmp_path / "r.yaml").write_text("ratings:\n  organisation: {level: 3, justification: ok}\n")
    (tmp_path / "r.json").write_text(json.dumps({"ratings": {"organisation": {"level": 2}}}))
    (tmp_path / "bad.yaml").write_text("ratings: [1, 2\n")
    (tmp_path / "extra.json").write_text(json.dumps({"ratings": {}, "score": 100}))
    assert load_ratings(tmp_path / "r.yaml").ratings["organisation"].level == 3
    assert load_ratings(tmp_path / "r.json").ratings["organisation"].level == 2
    with pytest.raises(ReviewError, match=r"bad\.yaml: not valid YAML"):
        load_ratings(tmp_path / "bad.yaml")
    with pytest.raises(ReviewError, match=r"extra\.json: score: Extra inputs are not permitted"):
        load_ratings(tmp_path / "extra.json")
