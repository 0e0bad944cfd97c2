"""A cohort from a roster: graded in parallel, indexed, and graded again only where needed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from challenges.roster import load_roster
from reports.render.cohort_page import write_index
from runner.cohort import grade_cohort, plan_cohort
from tests.conftest import git

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"


def _roster(tmp_path: Path, repo: Path) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text(f"alias,repo\nana,{KV / 'solution'}\nben,{KV / 'starter'}\ncy,{repo}\n")
    return path


def test_a_cohort_is_graded_indexed_and_only_changes_are_graded_again(
    kv_store, engine, kv_image, pipeline_config, tmp_path, make_repo
):
    repo = make_repo(KV / "solution")
    entries = load_roster(_roster(tmp_path, repo))
    out = tmp_path / "out"
    first = plan_cohort(entries, kv_store, kv_image, pipeline_config, out)
    assert [r.submission_id for r in first.to_grade] == ["ana", "ben", "cy"]
    cards = grade_cohort(first, engine, kv_image, pipeline_config, out, slots=2)
    assert {c.submission.id: c.outcome.value for c in cards} == {
        "ana": "passed",
        "ben": "test_failures",
        "cy": "passed",
    }
    index = write_index(cards, "kv", out).read_text()
    for alias in ("ana", "ben", "cy"):
        assert f'href="{alias}/report.html"' in index
        assert (out / alias / "report.html").is_file()
    again = plan_cohort(entries, kv_store, kv_image, pipeline_config, out)
    assert again.to_grade == []
    assert len(again.kept) == 3
    (repo / "kvstore.py").write_text((KV / "starter" / "kvstore.py").read_text())
    git(repo, "commit", "-qam", "pushed after the first batch")
    changed = plan_cohort(entries, kv_store, kv_image, pipeline_config, out)
    assert [r.submission_id for r in changed.to_grade] == ["cy"]


def test_an_interrupted_batch_grades_only_what_is_missing(engine, kv_image, tmp_path, make_repo):
    repo = make_repo(KV / "solution")
    roster = _roster(tmp_path, repo)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "takehome",
        "batch",
        str(roster),
        "--challenge",
        "kv-store",
        "--out",
        str(out),
        "--jobs",
        "1",
    ]
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (out / "ana" / "scorecard.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    done_before = {p.parent.name for p in out.glob("*/scorecard.json")}
    assert "ana" in done_before
    assert len(done_before) < 3
    subprocess.run([sys.executable, "-m", "takehome", "gc"], check=True, capture_output=True)
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(done_before)} unchanged since the last run" in resumed.stdout
    assert sorted(p.parent.name for p in out.glob("*/scorecard.json")) == ["ana", "ben", "cy"]
    assert "cohort index:" in resumed.stdout


def test_ctrl_c_stops_a_batch_at_once_with_exit_130(engine, kv_image, tmp_path):
    roster = tmp_path / "many.csv"
    roster.write_text("alias,repo\n" + "".join(f"c{n:02},{KV / 'solution'}\n" for n in range(30)))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "takehome", "batch", str(roster), "--challenge", "kv-store",
               "--out", str(out), "--jobs", "1"]  # fmt: skip
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("*/scorecard.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    batch.send_signal(signal.SIGINT)
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr
    assert len(list(out.glob("*/scorecard.json"))) < 10  # not the 30 of the roster
    owner = f"{socket.gethostname()}:{batch.pid}"
    left = engine.containers.list(all=True, filters={"label": f"takehome.owner={owner}"})
    assert [container.name for container in left] == []  # the runs under way were finished
