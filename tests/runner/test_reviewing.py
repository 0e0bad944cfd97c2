"""Completing a scorecard file through the store: independent reviews, then a finalize that
lands whole; the store is where reviews live, whichever way the submission was graded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reports.render import pages
from reports.render.pages import write_reports
from reports.review import RatingInput, ReviewError, build_review
from reports.scorecard import HumanRow, Recommendation, load_scorecard
from runner.reviewing import finalize, reviews_of, submit_review
from runner.store.runs import Store
from tests.reports.conftest import hostile_card

ROWS = ["organisation", "documentation", "design_reasoning", "testing_habits"]


@pytest.fixture
def scorecard_path(kv_store, tmp_path: Path) -> Path:
    return write_reports(hostile_card(kv_store), tmp_path / "out" / "cand")["scorecard.json"]


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as opened:
        yield opened


def _submit(store: Store, path: Path, reviewer: str, levels: list[int],
            amend: bool = False) -> None:  # fmt: skip
    ratings = {
        row: RatingInput(level=level, justification=f"{reviewer} on {row}")
        for row, level in zip(ROWS, levels, strict=True)
    }
    review = build_review(load_scorecard(path), reviewer, ratings, "test")
    submit_review(store, path, review, amend)


def test_two_reviews_then_finalize_complete_the_scorecard(store, scorecard_path):
    _submit(store, scorecard_path, "ana", [3, 2, 4, 1])
    _submit(store, scorecard_path, "ben", [3, 4, 4, 2])
    card = finalize(store, scorecard_path, Recommendation.YES, "solid fundamentals", "hm")
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
    assert load_scorecard(scorecard_path) == card
    html = (scorecard_path.parent / "report.html").read_text()
    assert "ana</strong>: level 2 — ana on documentation" in html
    assert "ben</strong>: level 4 — ben on documentation" in html
    assert "Disagreement of two levels or more" in html
    markdown = (scorecard_path.parent / "report.md").read_text()
    assert "**yes**: solid fundamentals" in markdown
    assert "- documentation: ana 2, ben 4" in markdown
    assert store.count("decisions") == 1


def test_reviews_live_in_the_store_not_beside_the_scorecard(store, scorecard_path):
    _submit(store, scorecard_path, "ana", [3, 3, 3, 3])
    assert [review.reviewer for review in reviews_of(store, scorecard_path)] == ["ana"]
    assert not (scorecard_path.parent / "reviews").exists()
    assert load_scorecard(scorecard_path).reviews == []  # nobody sees ana's ratings yet
    assert store.count("scorecards") == 1  # the file recorded once, however often reviewed
    _submit(store, scorecard_path, "ben", [2, 2, 2, 2])
    assert store.count("scorecards") == 1


def test_a_reviewer_cannot_rate_twice(store, scorecard_path):
    _submit(store, scorecard_path, "ana", [3, 3, 3, 3])
    with pytest.raises(ReviewError, match="ana has already rated scorecard"):
        _submit(store, scorecard_path, "ana", [1, 1, 1, 1])


def test_a_reviewer_amends_until_finalize(store, scorecard_path):
    with pytest.raises(ReviewError, match=r"ana has not rated scorecard .* nothing to amend"):
        _submit(store, scorecard_path, "ana", [3, 3, 3, 3], amend=True)
    _submit(store, scorecard_path, "ana", [3, 3, 3, 3])
    _submit(store, scorecard_path, "ana", [1, 2, 1, 2], amend=True)
    (review,) = reviews_of(store, scorecard_path)
    assert [rating.level for rating in review.ratings] == [1, 2, 1, 2]
    finalize(store, scorecard_path, Recommendation.NO, "r", "hm")
    with pytest.raises(ReviewError, match="already complete"):
        _submit(store, scorecard_path, "ana", [4, 4, 4, 4], amend=True)


def test_finalize_needs_reviews_and_happens_once(store, scorecard_path):
    with pytest.raises(ReviewError, match="no reviews yet"):
        finalize(store, scorecard_path, Recommendation.NO, "r", "hm")
    _submit(store, scorecard_path, "ana", [2, 2, 2, 2])
    finalize(store, scorecard_path, Recommendation.NO, "r", "hm")
    with pytest.raises(ReviewError, match="already complete"):
        finalize(store, scorecard_path, Recommendation.YES, "r", "hm")
    with pytest.raises(ReviewError, match="already complete"):
        _submit(store, scorecard_path, "ben", [2, 2, 2, 2])


def test_a_finalize_that_cannot_render_changes_nothing(store, scorecard_path, monkeypatch):
    _submit(store, scorecard_path, "ana", [2, 2, 2, 2])
    before = {p.name: p.read_bytes() for p in scorecard_path.parent.iterdir()}

    def broken(card):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(pages, "render_markdown", broken)
    with pytest.raises(RuntimeError, match="template exploded"):
        finalize(store, scorecard_path, Recommendation.YES, "r", "hm")
    assert {p.name: p.read_bytes() for p in scorecard_path.parent.iterdir()} == before
    assert store.count("decisions") == 0
    monkeypatch.undo()
    card = finalize(store, scorecard_path, Recommendation.YES, "r", "hm")  # not refused
    assert card.status == "complete"


def test_a_refused_decision_leaves_the_reports_as_they_were(store, scorecard_path):
    _submit(store, scorecard_path, "ana", [2, 2, 2, 2])
    before = {p.name: p.read_bytes() for p in scorecard_path.parent.iterdir()}
    scorecard_id = store.record_scorecard(load_scorecard(scorecard_path))
    decided = finalize(store, scorecard_path, Recommendation.YES, "r", "hm")
    for name, data in before.items():  # a second process decided first: put the old files back
        (scorecard_path.parent / name).write_bytes(data)
    with pytest.raises(ReviewError, match=f"scorecard {scorecard_id} is already decided"):
        finalize(store, scorecard_path, Recommendation.NO, "other", "hm2")
    assert {p.name: p.read_bytes() for p in scorecard_path.parent.iterdir()} == before
    assert not [name for name in os.listdir(scorecard_path.parent) if name.startswith(".")]
    assert decided.decision.reason == "r"
