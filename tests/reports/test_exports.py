"""Exports and scorecard comparison: Gradescope results.json, cohort CSV, regrade diffs."""

from __future__ import annotations

import csv
import io
import re
import shutil
from typing import Any

import pytest

from challenges.load import load_challenge
from graders.base import Outcome
from graders.registry import available
from reports.diff import scorecard_changes
from reports.render.exports import ExportError, cohort_csv, gradescope_results, left_out
from reports.review import RatingInput, build_review, merge_reviews
from reports.scorecard import HumanRow, Recommendation, SubmissionInfo
from reports.scoring import build_scorecard
from tests.reports.conftest import measurement, provenance


def test_gradescope_results_follow_the_format_and_keep_hidden_tests_hidden(
    hostile_scorecard, kv_store
):
    results = gradescope_results(hostile_scorecard, kv_store)
    assert set(results) >= {"score", "tests", "output", "visibility"}
    hidden = [test for test in results["tests"] if test["name"].startswith("hidden test ")]
    assert len(hidden) == hostile_scorecard.tests.total
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility"}
    for test in hidden:
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] == "hidden"
        assert test["output"] == ""
        assert re.fullmatch(r"hidden test \d+", test["name"])


def _exported_total(results: dict[str, Any]) -> float:
    return round(sum(test["score"] for test in results["tests"]), 2)


def test_a_partial_card_exports_every_auto_row_and_names_the_human_rows_it_leaves_out(
    hostile_scorecard, kv_store
):
    results = gradescope_results(hostile_scorecard, kv_store)
    assert hostile_scorecard.auto_score is not None
    assert results["score"] == hostile_scorecard.auto_score
    assert _exported_total(results) == hostile_scorecard.auto_score
    carried = {tag for test in results["tests"] for tag in test["tags"]}
    for row in hostile_scorecard.criteria:
        if row.kind == "auto":
            assert row.id in carried
        else:
            assert row.id not in carried
            assert f"{row.title} ({row.id})" in results["output"]
    assert "Left out, not yet rated by reviewers" in results["output"]
    assert [row.id for row in left_out(hostile_scorecard)] == [
        row.id for row in hostile_scorecard.criteria if row.kind == "human"
    ]


def test_a_complete_card_exports_every_row_and_its_total(hostile_scorecard, kv_store):
    rows = [row for row in hostile_scorecard.criteria if isinstance(row, HumanRow)]
    reviews = [
        build_review(hostile_scorecard, name, {
            row.id: RatingInput(level=level, justification="x") for row in rows
        }, "test")
        for name, level in (("ana", 3), ("bo", 2), ("cy", 4))
    ]  # fmt: skip
    done = merge_reviews(hostile_scorecard, reviews, Recommendation.YES, "ok", "hm", "test")
    results = gradescope_results(done, kv_store)
    assert done.score is not None
    assert results["score"] == done.score
    assert _exported_total(results) == done.score
    human = {test["number"]: test for test in results["tests"] if "human" in test["tags"]}
    assert set(human) == {row.id for row in rows}
    assert "Left out" not in results["output"]
    assert left_out(done) == []


def test_a_card_with_no_score_is_not_exported_as_a_zero(kv_store):
    failed = measurement(kv_store, {}, Outcome.INFRA_ERROR, "the engine went away")
    card = build_scorecard(kv_store, SubmissionInfo(id="x", source="s", ref=None, commit="c"),
                           failed, provenance(kv_store), [])  # fmt: skip
    assert card.score is None
    assert card.auto_score is None
    with pytest.raises(ExportError, match=r"^x: no score to export \(outcome infra error, never"):
        gradescope_results(card, kv_store)


def test_visible_tests_are_shown_by_name(hostile_scorecard, kv_store, tmp_path):
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    core = copy / "tests" / "test_core.py"
    core.write_text(core.read_text().replace("\ndef test_", "\n@pytest.mark.visible\ndef test_", 1))
    visible = load_challenge(copy, available())
    shown = [
        t
        for t in gradescope_results(hostile_scorecard, visible)["tests"]
        if t["visibility"] == "visible"
    ]
    assert len(shown) == 1
    assert shown[0]["name"].startswith("test_")


def test_cohort_csv_has_one_column_per_rubric_row_and_defuses_formulas(hostile_scorecard):
    evil = hostile_scorecard.model_copy(
        update={
            "submission": hostile_scorecard.submission.model_copy(
                update={"id": '=HYPERLINK("http://x")'}
            )
        }
    )
    rows = list(csv.reader(io.StringIO(cohort_csv([hostile_scorecard, evil]))))
    header = rows[0]
    assert header[:3] == ["submission", "challenge", "version"]
    assert [c.id for c in hostile_scorecard.criteria] == header[11:-1]
    assert len(rows) == 3
    assert rows[2][0].startswith("'=")
    core = header.index("core")
    assert float(rows[1][core]) == next(
        r.score for r in hostile_scorecard.criteria if r.id == "core"
    )


def test_a_reproduced_grade_has_no_changes(hostile_scorecard):
    assert scorecard_changes(hostile_scorecard, hostile_scorecard) == []


def test_changes_are_listed_row_by_row(hostile_scorecard):
    rows = [
        r.model_copy(update={"score": 0.0}) if r.id == "core" else r
        for r in hostile_scorecard.criteria
    ]
    after = hostile_scorecard.model_copy(update={"criteria": rows, "auto_score": 0.0})
    changes = scorecard_changes(hostile_scorecard, after)
    core = next(r for r in hostile_scorecard.criteria if r.id == "core")
    assert f"row core: {core.score:g} -> 0" in changes
    assert any(line.startswith("auto score: ") for line in changes)
