"""SECURITY.md rows 36 and 31 (grader half), graded for real through the pipeline and engine.

Row 36: the untouched starter or an empty tree earns 0 on every automatic row; "no findings"
and "no complex function" in code nobody wrote are not points. Row 31: a file that makes ruff
or radon fail leaves those rows unscored with a flag naming it, never an infra error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.scorecard import AutoRow, Scorecard

pytestmark = pytest.mark.docker

CATALOG = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
DEEP = "x = " + "+".join(["1"] * 100_000) + "\n"


def _auto(card: Scorecard) -> dict[str, float | None]:
    return {row.id: row.score for row in card.criteria if isinstance(row, AutoRow)}


@pytest.mark.parametrize(
    "files",
    [None, {}, {"README.md": "I ran out of time.\n", "notes.txt": "def f(): pass\n"}],
    ids=["untouched-starter", "empty-tree", "no-python"],
)
def test_nothing_written_earns_nothing_on_any_automatic_row(
    files, make_repo, grade_with, kv_store, kv_image, tmp_path
):
    if files == {}:  # a plain directory: staff grading a local path
        source = tmp_path / "empty"
        source.mkdir()
    else:
        source = make_repo(CATALOG / "starter" if files is None else files)
    card = grade_with(source, kv_store, kv_image)
    assert card.outcome not in {"infra_error", "repo_rejected"}, card.reason
    scores = _auto(card)
    assert scores == dict.fromkeys(scores, 0.0)
    assert card.auto_score == 0
    lint = next(row for row in card.criteria if row.id == "lint")
    assert lint.detail.startswith("nothing to measure: ")


def test_files_the_measuring_tools_choke_on_are_flagged_not_retried(
    make_repo, grade_with, kv_store, kv_image
):
    solution = (CATALOG / "solution" / "kvstore.py").read_text()
    repo = make_repo({"kvstore.py": solution, "deep.py": DEEP, "pkg/also_deep.py": DEEP})
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "passed", card.reason
    scores = _auto(card)
    assert (scores["lint"], scores["complexity"]) == (None, None)
    assert card.tests.score == card.tests.max_score
    by_kind = {(flag.kind, flag.message.split(":")[0]) for flag in card.flags}
    assert ("lint", "ruff could not lint deep.py (ruff crashed (signal 6)) and 1 more file(s)") in {
        (flag.kind, flag.message.split(": the ")[0]) for flag in card.flags
    }, card.flags
    assert ("complexity", "radon could not parse deep.py and 1 more file(s)") in by_kind
    assert any(f.kind == "static" and "deep.py:0: unreadable" in f.message for f in card.flags)
    assert not any(f.kind == "infra" for f in card.flags)
