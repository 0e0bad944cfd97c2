"""Completing a scorecard: two independent reviews, then finalize; every rejection says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.render.pages import write_reports
from reports.review import (
    RatingInput,
    ReviewError,
    build_review,
    finalize,
    load_ratings,
    submit_review,
)
from reports.scorecard import HumanRow, Recommendation, Scorecard, load_scorecard

ROWS = ["organisation", "documentation", "design_reasoning", "testing_habits"]


@pytest.fixture
def scorecard_path(hostile_scorecard: Scorecard, tmp_path: Path) -> Path:
    return write_reports(hostile_scorecard, tmp_path / "cand")["scorecard.json"]


def _ratings(levels: list[int], note: str) -> dict[str, RatingInput]:
    return {
        row: RatingInput(level=level, justification=f"{note} on {row}")
        for row, level in zip(ROWS, levels, strict=True)
    }


def _submit(path: Path, reviewer: str, levels: list[int]) -> None:
    card = load_scorecard(path)
    submit_review(path, build_review(card, reviewer, _ratings(levels, reviewer), "test"))


def test_two_reviews_then_finalize_complete_the_scorecard(scorecard_path):
    _submit(scorecard_path, "ana", [3, 2, 4, 1])
    _submit(scorecard_path, "ben", [3, 4, 4, 2])
    card = finalize(scorecard_path, Recommendation.YES, "solid fundamentals", "hm")
    assert card.status == "complete"
    human = {row.id: row for row in card.criteria if isinstance(row, HumanRow)}
    assert {row_id: row.level for row_id, row in human.items()} == {
        "organisation": 3,
        "documentation": 2,
        "design_reasoning": 4,
        "testing_habits": 1,
    }
    assert human["organisation"].score == pytest.approx(5 * 3 / 4, abs=0.01)
    assert card.score == pytest.approx(
        card.auto_score + sum(r.score for r in human.values()), abs=0.01
    )
    assert card.decision.recommendation == "yes"
    assert [(d.row, d.levels) for d in card.decision.disagreements] == [
        ("documentation", {"ana": 2, "ben": 4})
    ]
    written = load_scorecard(scorecard_path)
    assert written == card
    html = (scorecard_path.parent / "report.html").read_text()
    assert "ana</strong>: level 2 — ana on documentation" in html
    assert "ben</strong>: level 4 — ben on documentation" in html
    assert "Disagreement of two levels or more" in html
    assert 'name="organisation" value="3" checked' in html
    markdown = (scorecard_path.parent / "report.md").read_text()
    assert "**yes**: solid fundamentals" in markdown
    assert "- documentation: ana 2, ben 4" in markdown


def test_reviews_are_stored_separately_until_finalized(scorecard_path):
    _submit(scorecard_path, "ana", [3, 3, 3, 3])
    assert (scorecard_path.parent / "reviews" / "ana.json").is_file()
    assert load_scorecard(scorecard_path).reviews == []  # nobody sees ana's ratings yet


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
    with pytest.raises(ReviewError) as raised:
        build_review(card, "ana", ratings, "ratings.yaml")
    assert str(raised.value).startswith(f"ratings.yaml: {message}")


def test_a_reviewer_cannot_rate_twice(scorecard_path):
    _submit(scorecard_path, "ana", [3, 3, 3, 3])
    with pytest.raises(ReviewError, match="ana has already rated this scorecard"):
        _submit(scorecard_path, "ana", [1, 1, 1, 1])


def test_finalize_needs_reviews_and_happens_once(scorecard_path):
    with pytest.raises(ReviewError, match="no reviews yet"):
        finalize(scorecard_path, Recommendation.NO, "r", "hm")
    _submit(scorecard_path, "ana", [2, 2, 2, 2])
    finalize(scorecard_path, Recommendation.NO, "r", "hm")
    with pytest.raises(ReviewError, match="already complete"):
        finalize(scorecard_path, Recommendation.YES, "r", "hm")
    with pytest.raises(ReviewError, match="already complete"):
        _submit(scorecard_path, "ben", [2, 2, 2, 2])


def test_reviewer_names_cannot_escape_the_reviews_folder(scorecard_path):
    with pytest.raises(ReviewError, match="a reviewer name is"):
        _submit(scorecard_path, "../../etc/passwd", [3, 3, 3, 3])


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
