"""Lateness decided once, through the real pipeline: a roster line graded in a batch and the
same line pushed to the webhook grade the same commit, and the history lists every commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from challenges.load import Challenge
from challenges.roster import RosterEntry
from runner.pipeline import GradeRequest, PipelineConfig, grade, request_for
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage

pytestmark = pytest.mark.docker

STARTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _commit_tree(repo: Path, tree: Path, when: datetime) -> str:
    """Replace the work tree by ``tree`` and commit it dated ``when``; the commit's SHA."""
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(tree, repo, dirs_exist_ok=True)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S +0000")
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}  # fmt: skip
    for args in (["add", "-A"], ["commit", "-q", "-m", f"at {stamp}"]):
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)
    done = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def late_repo(tmp_path: Path, kv_store: Challenge) -> tuple[Path, str, str]:
    """The solution inside the 4-hour window, then the starter pushed over it 6 hours in."""
    repo = tmp_path / "alice"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    inside = _commit_tree(repo, kv_store.root / "solution", STARTED + timedelta(hours=1))
    late = _commit_tree(repo, kv_store.root / "starter", STARTED + timedelta(hours=6))
    return repo, inside, late


def test_batch_and_push_grade_the_last_commit_inside_and_list_every_commit(
    engine: Engine, kv_store: Challenge, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path, late_repo: tuple[Path, str, str],
):  # fmt: skip
    repo, inside, late = late_repo
    entry = RosterEntry(alias="alice", repo=str(repo), invited_at=STARTED)
    requests = {
        "batch": request_for(entry, kv_store),
        "push": request_for(entry, kv_store, ref=late, push_time=STARTED + timedelta(hours=7)),
    }
    for name, request in requests.items():
        card = grade(request, engine, kv_image, pipeline_config, tmp_path / name).scorecard
        assert card.submission.commit == inside, name
        assert card.tests.score == card.tests.max_score, name
        history = card.measurements.history
        assert history is not None
        assert [c.sha for c in history.commits] == [inside, late], name
        assert [c.late for c in history.commits] == [False, True], name
        assert history.graded_commit == inside
        assert not history.single_commit, name


def test_a_ref_pinned_by_hand_is_graded_as_is(
    engine: Engine, kv_store: Challenge, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path, late_repo: tuple[Path, str, str],
):  # fmt: skip
    repo, _, late = late_repo
    request = GradeRequest(str(repo), kv_store, ref=late, submission_id="alice",
                           window_start=STARTED, pinned=True)  # fmt: skip
    card = grade(request, engine, kv_image, pipeline_config, tmp_path / "pinned").scorecard
    assert card.submission.commit == late
    assert card.tests.score == 0
