"""Exports and scorecard comparison: Gradescope results.json, cohort CSV, regrade diffs."""

from __future__ import annotations

import csv
import io
import re
import shutil

import pytest

from challenges.load import load_challenge
from graders.registry import available
from reports.diff import scorecard_changes
from reports.render.exports import cohort_csv, gradescope_results


def test_gradescope_results_follow_the_format_and_keep_hidden_tests_hidden(
    hostile_scorecard, kv_store
):
    results = gradescope_results(hostile_scorecard, kv_store)
    assert set(results) >= {"score", "tests", "output", "visibility"}
    assert results["score"] == hostile_scorecard.tests.score
    assert len(results["tests"]) == hostile_scorecard.tests.total
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] == "hidden"
        assert test["output"] == ""
        assert re.fullmatch(r"hidden test \d+", test["name"])
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"], abs=0.01)


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
