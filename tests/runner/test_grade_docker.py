"""End to end against the real Docker engine: grade submissions through the pipeline."""

from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from challenges.load import Challenge, load_challenge
from graders.registry import available
from runner.intake.take_in import IntakeOptions
from runner.intake.url_policy import UrlPolicy
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.sandbox.reaper import owner_label
from runner.sandbox.run_images import HOST_GRACE, LABEL, ensure_run_image
from tests.conftest import BASE_IMAGE, FIXTURES, RepoFactory, git

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]


def _grade(source: Path | str, challenge: Challenge, engine, image, config, out: Path, **kw):
    request = GradeRequest(source=str(source), challenge=challenge, **kw)
    return grade(request, engine, image, config, out).scorecard


def test_probe_challenge_sees_a_locked_down_sandbox(engine, pipeline_config, tmp_path):
    probe = load_challenge(FIXTURES / "challenges" / "probe", available())
    image = ensure_run_image(engine, probe, BASE_IMAGE)
    card = _grade(probe.root / "solution", probe, engine, image, pipeline_config, tmp_path)
    failing = [f"{t.name}: {t.message}" for t in card.tests.results if t.status != "passed"]
    assert failing == []
    assert card.outcome == "passed"
    assert card.status == "complete"
    assert card.score == 10


def test_reference_solution_scores_full_marks(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    card = _grade(kv_store.root / "solution", kv_store, engine, kv_image, pipeline_config, tmp_path)
    assert card.outcome == "passed"
    assert card.tests.score == card.tests.max_score == 75
    assert card.status == "partial"  # human rows wait for reviewers
    assert all(row.score is None for row in card.criteria if row.kind == "human")
    assert card.provenance.image_id == kv_image.id
    assert card.provenance.suite_hash == kv_store.suite_hash
    assert card.provenance.tool_versions["pytest"]
    written = json.loads((tmp_path / "solution" / "scorecard.json").read_text())
    assert written["tests"]["score"] == 75


def test_starter_scores_zero(kv_store, engine, kv_image, pipeline_config, tmp_path):
    card = _grade(kv_store.root / "starter", kv_store, engine, kv_image, pipeline_config, tmp_path)
    assert card.outcome == "test_failures"
    assert card.tests.score == 0
    assert card.tests.passed == 0


def test_git_repository_is_graded_at_the_requested_commit(
    kv_store, engine, kv_image, pipeline_config, tmp_path, make_repo: RepoFactory
):
    repo = make_repo(kv_store.root / "solution", kv_store.root / "starter")
    good = git(repo, "rev-parse", "HEAD~1")
    head = _grade(repo, kv_store, engine, kv_image, pipeline_config, tmp_path / "a")
    pinned = _grade(repo, kv_store, engine, kv_image, pipeline_config, tmp_path / "b", ref=good)
    assert head.submission.commit == git(repo, "rev-parse", "HEAD")
    assert head.tests.score == 0
    assert pinned.submission.commit == pinned.provenance.commit == good
    assert pinned.tests.score == 75


def test_unknown_ref_is_a_rejected_repository_without_a_score(
    kv_store, engine, kv_image, pipeline_config, tmp_path, make_repo: RepoFactory
):
    repo = make_repo(kv_store.root / "solution")
    card = _grade(repo, kv_store, engine, kv_image, pipeline_config, tmp_path, ref="no-such-branch")
    assert card.outcome == "repo_rejected"
    assert "no-such-branch" in card.reason
    assert card.tests.score is None
    assert card.auto_score is None


def test_engine_errors_become_infra_errors_not_scores(kv_store, engine, kv_image, tmp_path):
    missing = replace(kv_image, id="sha256:" + "0" * 64, tag="takehome-run/missing:0")
    config = PipelineConfig(intake=_intake_options(), work_root=tmp_path, backoff=0.01)
    card = _grade(kv_store.root / "solution", kv_store, engine, missing, config, tmp_path / "out")
    assert card.outcome == "infra_error"
    assert card.tests.score is None
    assert card.auto_score is None
    assert "not the candidate's fault" in card.reason


def _intake_options() -> IntakeOptions:
    return IntakeOptions(policy=UrlPolicy(allowed_hosts=[]))


def _freeze_when_the_suite_runs(engine) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for container in engine.containers.list(
            filters={"label": f"{LABEL}.owner={owner_label()}"}
        ):
            if "pytest_entry" in json.dumps(container.top()):
                container.pause()
                return
        time.sleep(0.05)


def test_a_wrapper_that_never_reports_is_killed_at_the_wall_timeout(engine, tmp_path):
    probe = FIXTURES / "challenges" / "probe"
    copy = tmp_path / "probe"
    shutil.copytree(probe, copy)
    toml = copy / "challenge.toml"
    toml.write_text(toml.read_text().replace('wall_timeout = "20s"', 'wall_timeout = "2s"'))
    challenge = load_challenge(copy, available())
    image = ensure_run_image(engine, challenge, BASE_IMAGE)
    tree = tmp_path / "stops-the-wrapper"
    tree.mkdir()
    # The tests can no longer stop the wrapper (another uid), so the host freezes the whole
    # container once the suite runs: a wrapper that never reports, whatever the cause.
    (tree / "probe_target.py").write_text("import time\ntime.sleep(1e9)\n")
    config = PipelineConfig(intake=_intake_options(), work_root=tmp_path, backoff=0.01)
    freezer = threading.Thread(target=_freeze_when_the_suite_runs, args=(engine,), daemon=True)
    freezer.start()
    card = _grade(tree, challenge, engine, image, config, tmp_path / "out")
    freezer.join(timeout=5)
    assert card.outcome == "timeout"
    assert card.tests.score == 0
    assert card.provenance.timings["container"] >= 2 + HOST_GRACE - 1
