"""Security row 34: grading again with a typo never replaces finished work.

A scorecard with reviews (in the store) or a decision is kept as the submission's current
one, with its reviews and its decision; a new grade of the same submission (a broken path, a
mistyped ref, a broken roster line) is a run beside it that says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runner.store.runs import Store
from tests.conftest import CATALOG

pytestmark = pytest.mark.docker
ROOT = Path(__file__).parents[2]
RATINGS = "ratings:\n" + "".join(
    f"  {row}: {{level: 3, justification: fine}}\n"
    for row in ("organisation", "documentation", "design_reasoning", "testing_habits")
)


def takehome(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "takehome", *args], capture_output=True, text=True,
        env=dict(os.environ), cwd=ROOT, timeout=300,
    )  # fmt: skip


def _store_counts(tmp_path: Path) -> tuple[int, int]:
    data = Path(os.environ["XDG_DATA_HOME"]) / "takehome" / "takehome.db"
    with Store.open(f"sqlite:///{data}") as store:
        return store.count("reviews"), store.count("decisions")


def _regrades(card_dir: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted(card_dir.glob("regrades/*/scorecard.json"))]


@pytest.fixture
def graded(tmp_path, make_repo, no_leftovers) -> tuple[Path, Path]:
    """alice's solution graded from a real repository, reviewed by ben."""
    repo = make_repo(CATALOG / "kv-store" / "solution", name="alice-repo")
    out = tmp_path / "out"
    done = takehome(
        "grade", str(repo), "--challenge", "kv-store", "--out", str(out), "--id", "alice"
    )
    assert done.returncode == 0, done.stderr
    ratings = tmp_path / "ben.yaml"
    ratings.write_text(RATINGS)
    card = out / "alice" / "scorecard.json"
    rated = takehome(
        "scorecard", "complete", str(card), "--reviewer", "ben", "--ratings", str(ratings)
    )
    assert rated.returncode == 0, rated.stderr
    return out, repo


def test_a_reviewed_scorecard_survives_a_regrade_from_a_broken_path(graded, tmp_path):
    out, _ = graded
    card_dir = out / "alice"
    before = (card_dir / "scorecard.json").read_text()
    typo = takehome("grade", str(tmp_path / "typo"), "--challenge", "kv-store", "--out", str(out),
                    "--id", "alice")  # fmt: skip
    assert typo.returncode in (0, 1), typo.stderr
    assert "Traceback" not in typo.stderr
    assert (card_dir / "scorecard.json").read_text() == before  # reviewed: kept whole
    assert _store_counts(tmp_path) == (1, 0)
    beside = _regrades(card_dir)
    assert [card["outcome"] for card in beside] == ["repo_rejected"]
    assert any(
        "was kept as the current scorecard" in flag["message"] for flag in beside[0]["flags"]
    )


def test_a_finalized_scorecard_survives_a_bad_ref_and_a_broken_roster_line(graded, tmp_path):
    out, repo = graded
    card_dir = out / "alice"
    final = takehome("scorecard", "finalize", str(card_dir / "scorecard.json"), "--recommendation",
                     "yes", "--reason", "solid", "--by", "hm")  # fmt: skip
    assert final.returncode == 0, final.stderr
    decided = (card_dir / "scorecard.json").read_text()
    bad_ref = takehome("grade", str(repo), "--challenge", "kv-store", "--out", str(out), "--id",
                       "alice", "--ref", "mian")  # fmt: skip
    assert "Traceback" not in bad_ref.stderr
    roster = tmp_path / "roster.csv"
    roster.write_text(f"alias,repo\nalice,{tmp_path / 'alice-rpeo'}\n")
    batch = takehome("batch", str(roster), "--challenge", "kv-store", "--out", str(out))
    assert batch.returncode == 0, batch.stderr
    assert (card_dir / "scorecard.json").read_text() == decided
    card = json.loads(decided)
    assert card["status"] == "complete"
    assert card["decision"]["reason"] == "solid"
    assert [review["reviewer"] for review in card["reviews"]] == ["ben"]
    assert _store_counts(tmp_path) == (1, 1)
    assert {c["outcome"] for c in _regrades(card_dir)} == {"repo_rejected"}
    assert len(_regrades(card_dir)) == 2
