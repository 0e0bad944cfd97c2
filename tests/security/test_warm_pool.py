"""Containers started ahead of their submission (runner/sandbox/warm_pool.py) are still one per
submission, see nothing before the handoff, and give each submission its full wall time."""

from __future__ import annotations

import time
from pathlib import Path

import docker.errors
import pytest

from runner.batch import grade_batch
from runner.pipeline import GradeRequest, grade
from runner.sandbox.container import run_suite
from runner.sandbox.warm_pool import WarmPool
from tests.security.conftest import WALL_SECONDS

pytestmark = pytest.mark.docker

SOLUTION = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store" / "solution"
PLANT = (
    "import os\n"
    "with open('/tmp/planted', 'w') as handle:\n"
    "    handle.write('for the next one')\n"
    "try:\n"
    "    open('/handoff/planted', 'w')\n"
    "except OSError:\n"
    "    pass\n"
)
LOOK = (
    "import os\n"
    "assert not os.path.exists('/tmp/planted'), 'a previous submission left a file here'\n"
    "seen = sorted(os.listdir('/handoff'))\n"
    "assert seen == ['go', 'hosts', 'submission'], seen\n"
)


def _with(code: str) -> str:
    return (SOLUTION / "kvstore.py").read_text() + "\n\n" + code


def test_a_container_kept_warm_past_the_wall_timeout_still_gets_its_full_time(
    engine, short_kv, short_image, pipeline_config, tmp_path
):
    limits, out = short_kv.config.limits, tmp_path / "out"
    with WarmPool(engine, short_image, limits, 1, pipeline_config.work_root) as pool:
        time.sleep(WALL_SECONDS + 2)  # the pool's container has been up longer than a run may take
        request = GradeRequest(str(SOLUTION), short_kv, submission_id="late")
        card = grade(request, engine, short_image, pipeline_config, out, pool).scorecard
    assert card.outcome == "passed"
    assert card.tests.passed == card.tests.total == 49
    assert [flag for flag in card.flags if flag.kind == "infra"] == []


def test_every_submission_gets_its_own_container_removed_after_its_run(
    engine, short_kv, short_image, pipeline_config
):
    limits = short_kv.config.limits
    tree = pipeline_config.work_root / "tree"
    tree.mkdir()
    (tree / "kvstore.py").write_text((SOLUTION / "kvstore.py").read_text())
    with WarmPool(engine, short_image, limits, 2, pipeline_config.work_root) as pool:
        first, second = pool.take(short_image, limits), pool.take(short_image, limits)
        assert first.container.id != second.container.id
        evidence = run_suite(first, tree)
        assert evidence.exit_code == 0
        with pytest.raises(docker.errors.NotFound, match="No such container"):
            engine.containers.get(first.container.id)
        assert (tree / "kvstore.py").is_file()  # the tree is back where the pipeline keeps it
        run_suite(second, tree)
    tree.joinpath("kvstore.py").unlink()
    tree.rmdir()


def test_nothing_a_submission_leaves_reaches_the_next_one_in_the_same_slot(
    engine, hostile_repo, short_kv, short_image, pipeline_config, tmp_path
):
    planter = hostile_repo({"kvstore.py": _with(PLANT)}, name="planter")
    looker = hostile_repo({"kvstore.py": _with(LOOK)}, name="looker")
    requests = [
        GradeRequest(str(planter), short_kv, submission_id="planter"),
        GradeRequest(str(looker), short_kv, submission_id="looker"),
    ]
    planted, looked = grade_batch(
        requests, engine, short_image, pipeline_config, tmp_path / "out", slots=1
    )
    assert planted.scorecard.outcome == "passed"
    assert looked.scorecard.outcome == "passed", looked.scorecard.reason
    assert looked.scorecard.tests.passed == looked.scorecard.tests.total
