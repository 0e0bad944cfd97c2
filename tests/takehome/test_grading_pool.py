"""What ``takehome serve`` does with a handed-over submission: grade it in the real sandbox and
store the scorecard once; refuse local paths, since web submissions come from candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from challenges.load import Challenge
from runner.pipeline import GradeRequest, PipelineConfig
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage
from runner.store.runs import Store
from takehome.settings import Settings
from takehome.web.grading_pool import GradingPool, grade_and_store
from tests.conftest import BASE_IMAGE, CATALOG, RepoFactory

pytestmark = pytest.mark.docker


def test_a_submission_is_graded_and_stored_once(
    tmp_path: Path, engine: Engine, kv_image: RunImage, kv_store: Challenge,
    pipeline_config: PipelineConfig, make_repo: RepoFactory, no_leftovers: None,
) -> None:  # fmt: skip
    repo = make_repo(CATALOG / "kv-store" / "solution")
    request = GradeRequest(source=str(repo), challenge=kv_store, submission_id="alice")
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as store:
        out = tmp_path / "out"
        assert grade_and_store(request, store, engine, kv_image, pipeline_config, out) == (
            "graded: passed"
        )
        card = store.latest_scorecard("kv-store", "alice")
        assert card is not None
        assert card.outcome.value == "passed"
        assert (out / "alice" / "scorecard.json").is_file()
        again = grade_and_store(request, store, engine, kv_image, pipeline_config, out)
        assert again == "already graded, or being graded elsewhere"
        assert (store.count("runs"), store.count("scorecards")) == (1, 1)


def test_the_pool_refuses_local_paths(
    tmp_path: Path, kv_image: RunImage, kv_store: Challenge, make_repo: RepoFactory,
    no_leftovers: None,
) -> None:  # fmt: skip
    repo = make_repo(CATALOG / "kv-store" / "solution")
    (tmp_path / "work").mkdir()
    settings = Settings(base_image=BASE_IMAGE, work_dir=tmp_path / "work")
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as store:
        pool = GradingPool(settings, store, tmp_path / "out", slots=1)
        pool.enqueue(GradeRequest(source=str(repo), challenge=kv_store, submission_id="eve"))
        pool.close()  # waits for the grading
        card = store.latest_scorecard("kv-store", "eve")
        assert card is not None
        assert card.outcome.value == "repo_rejected"
        assert "local paths are accepted from staff only" in card.reason
