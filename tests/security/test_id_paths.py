"""SECURITY.md row 30: ids that become paths (``OUT/<id>/``) are refused with one line.

``--id``, roster aliases and a regraded scorecard's ``submission.id`` (and ``challenge.id``)
all go through ``challenges.roster.check_id``: nothing is written outside ``--out``. The
check comes before the engine is contacted; the engine is only needed by this directory's
host checks (tests/security/conftest.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from reports.scorecard import SubmissionInfo
from reports.scoring import build_scorecard
from takehome.cli import cli
from takehome.errors import run_guarded
from tests.reports.conftest import measurement, measurements, provenance

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
pytestmark = pytest.mark.docker

HOSTILE_IDS = ["../x", "..", "../../x", "a\nb", "a\0b", "x" * 300, "index.html", "INDEX.HTML"]


def run(*args: str) -> int:
    return run_guarded(lambda: cli.main(list(args), prog_name="takehome", standalone_mode=False))


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("error: ")
    return lines[0]


def everything(root: Path) -> set[str]:
    return {
        (Path(base) / name).relative_to(root).as_posix()
        for base, dirs, files in os.walk(root)
        for name in [*dirs, *files]
    }


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """``tmp_path/a/b/out`` is ``--out``: ``../x`` and ``../../x`` would land in tmp_path."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    return tmp_path


@pytest.mark.parametrize("bad", [*HOSTILE_IDS, "/absolute"])
def test_row_30_grade_refuses_an_id_that_would_leave_the_output_directory(
    sandbox: Path, capsys: pytest.CaptureFixture[str], bad: str
):
    bad = str(sandbox / "absolute") if bad == "/absolute" else bad
    before = everything(sandbox)
    out = sandbox / "a" / "b" / "out"
    code = run("grade", str(KV / "solution"), "--challenge", "kv-store", "--id", bad,
               "--out", str(out))  # fmt: skip
    assert code in (1, 2)
    assert "--id" in one_error_line(capsys)
    assert everything(sandbox) == before, "nothing written anywhere"


@pytest.mark.parametrize("alias", ["index.html", "Index.HTML"])
def test_row_30_a_roster_alias_that_is_a_path_or_the_cohort_page_is_refused(
    sandbox: Path, capsys: pytest.CaptureFixture[str], alias: str
):
    roster = sandbox / "roster.csv"
    roster.write_text(f"alias,repo\nana,{KV / 'solution'}\n{alias},{KV / 'starter'}\n")
    before = everything(sandbox)
    out = sandbox / "a" / "b" / "out"
    assert run("batch", str(roster), "--challenge", "kv-store", "--out", str(out)) == 1
    line = one_error_line(capsys)
    assert "line 3: alias" in line
    assert everything(sandbox) == before


def _scorecard(path: Path, kv_store: Challenge, submission_id: str, challenge_id: str) -> Path:
    info = SubmissionInfo(id="alice", source=str(KV / "solution"), ref=None, commit="unknown")
    tests = measurement(kv_store, {}, Outcome.PASSED, "ok")
    card = build_scorecard(kv_store, info, tests, provenance(kv_store), [], measurements(kv_store))
    data = json.loads(card.model_dump_json())
    data["submission"]["id"] = submission_id
    data["challenge"]["id"] = challenge_id
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("submission_id", "challenge_id", "field"),
    [
        *((bad, "kv-store", "submission.id") for bad in HOSTILE_IDS),
        ("alice", "../../challenges/catalog/kv-store", "challenge.id"),
    ],
)
def test_row_30_regrade_refuses_a_scorecard_whose_ids_are_paths(
    sandbox: Path, capsys: pytest.CaptureFixture[str], kv_store: Challenge,
    submission_id: str, challenge_id: str, field: str,
):  # fmt: skip
    card = _scorecard(sandbox / "a" / "scorecard.json", kv_store, submission_id, challenge_id)
    before = everything(sandbox)
    assert run("regrade", str(card), "--out", str(sandbox / "a" / "b" / "out")) == 1
    line = one_error_line(capsys)
    assert f"{card}: {field}: " in line
    assert everything(sandbox) == before
