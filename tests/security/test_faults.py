"""SECURITY.md rows 23 and 25, and a batch where half the submissions are hostile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import docker
import pytest

from runner.batch import grade_batch
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.sandbox.engine import engine_version
from runner.sandbox.reaper import owner_label, reap
from tests.security.conftest import WALL_SECONDS
from tests.security.engine_proxy import EngineProxy

pytestmark = pytest.mark.docker

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
SOLUTION_SOURCE = (KV / "solution" / "kvstore.py").read_text()


@pytest.fixture
def proxy(tmp_path: Path):
    engine_proxy = EngineProxy(tmp_path / "engine.sock")
    engine_proxy.start()
    yield engine_proxy
    engine_proxy.stop()


def _when_running(engine, action) -> threading.Thread:
    """Call ``action`` as soon as a run container of this process is running."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            running = engine.containers.list(
                filters={"label": f"takehome.owner={owner_label()}", "status": "running"}
            )
            if running:
                action()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _slow_solution(tmp_path: Path) -> Path:
    """The reference solution, slowed at import so the run is still going when the engine goes."""
    tree = tmp_path / "slow"
    tree.mkdir()
    (tree / "kvstore.py").write_text(SOLUTION_SOURCE + "\nimport time\ntime.sleep(2)\n")
    return tree


def test_row_23_an_engine_lost_mid_run_is_retried_and_never_charged(
    engine, kv_store, kv_image, proxy, tmp_path, pipeline_config
):
    client = docker.DockerClient(base_url=proxy.url, version="auto", timeout=60)

    def blip() -> None:
        proxy.stop()
        time.sleep(0.5)
        proxy.start()

    config = PipelineConfig(
        intake=pipeline_config.intake, work_root=pipeline_config.work_root, backoff=1.0
    )
    watcher = _when_running(engine, blip)
    graded = grade(
        GradeRequest(str(_slow_solution(tmp_path)), kv_store),
        client,
        kv_image,
        config,
        tmp_path / "out",
    )
    watcher.join()
    card = graded.scorecard
    assert card.outcome == "passed", card.reason
    assert card.tests.score == 75
    retries = [flag.message for flag in card.flags if flag.kind == "infra"]
    assert len(retries) == 1
    assert retries[0].startswith("attempt 1 failed, retried: the Docker engine failed")


def test_row_23_an_engine_that_stays_down_is_an_infra_error_without_a_score(
    engine, kv_store, kv_image, proxy, tmp_path, pipeline_config
):
    client = docker.DockerClient(base_url=proxy.url, version="auto", timeout=60)
    config = PipelineConfig(
        intake=pipeline_config.intake,
        work_root=pipeline_config.work_root,
        run_attempts=2,
        backoff=0.2,
    )
    watcher = _when_running(engine, proxy.stop)
    card = grade(
        GradeRequest(str(_slow_solution(tmp_path)), kv_store),
        client,
        kv_image,
        config,
        tmp_path / "out",
    ).scorecard
    watcher.join()
    assert card.outcome == "infra_error"
    assert "not the candidate's fault" in card.reason
    assert card.tests.score is None
    assert card.auto_score is None
    # the engine's version is asked as the grade begins (while the container boots): it
    # names the engine the grade reached, not its state once it went away
    assert card.provenance.tool_versions["engine"] == engine_version(engine)
    assert [flag.kind for flag in card.flags] == ["infra"]  # attempt 1; attempt 2 is the reason
    reap(engine)  # the container the lost engine could not remove; host_untouched checks it


def _tree(tmp_path: Path, name: str, source: str) -> str:
    tree = tmp_path / "submissions" / name
    tree.mkdir(parents=True)
    (tree / "kvstore.py").write_text(source)
    return str(tree)


def test_row_25_a_noisy_neighbour_cannot_starve_the_others(
    engine, short_kv, short_image, tmp_path, pipeline_config
):
    burner = SOLUTION_SOURCE + (
        "\nimport os\nfor _ in range(4):\n    if os.fork() == 0:\n        while True:\n"
        "            pass\n"
    )
    requests = [GradeRequest(_tree(tmp_path, "burner", burner), short_kv, submission_id="burner")]
    requests += [
        GradeRequest(
            _tree(tmp_path, f"honest-{n}", SOLUTION_SOURCE), short_kv, submission_id=f"honest-{n}"
        )
        for n in range(3)
    ]
    results = grade_batch(requests, engine, short_image, pipeline_config, tmp_path / "out", slots=2)
    honest = [g.scorecard for g in results[1:]]
    assert [card.outcome for card in honest] == ["passed"] * 3
    assert all(card.tests.score == 75 for card in honest)


HOSTILE = {
    "fork-bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
    "        pass\n",
    "memory-bomb": "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))\n",
    "infinite-loop": SOLUTION_SOURCE.replace(
        "    def get(self",
        "    def get(self, *a, **k):\n        while True:\n            pass\n\n"
        "    def _unused_get(self",
        1,
    ),
    "huge-output": SOLUTION_SOURCE + "\nimport os\nfor _ in range(50):\n"
    "    os.write(1, b'x' * 1_000_000)\n",
    "forged-report": (KV / "starter" / "kvstore.py").read_text()
    + (
        "\nfrom _pytest import reports\n_orig = reports.TestReport.__init__\n"
        "def _forged(self, *a, **k):\n    _orig(self, *a, **k)\n    self.outcome = 'passed'\n"
        "reports.TestReport.__init__ = _forged\n"
    ),
}
HONEST = ["solution", "strong", "partial", "buggy", "starter"]


def test_a_batch_half_hostile_grades_the_honest_half_correctly_and_in_time(
    engine, short_kv, short_image, tmp_path, pipeline_config
):
    requests = [
        GradeRequest(_tree(tmp_path, name, source), short_kv, submission_id=name)
        for name, source in HOSTILE.items()
    ]
    for name in HONEST:
        path = KV / name if name in {"solution", "starter"} else KV / "samples" / name
        requests.append(GradeRequest(str(path), short_kv, submission_id=name))
    started = time.monotonic()
    results = grade_batch(requests, engine, short_image, pipeline_config, tmp_path / "out", slots=2)
    elapsed = time.monotonic() - started
    cards = {g.scorecard.submission.id: g.scorecard for g in results}
    assert elapsed <= len(requests) * WALL_SECONDS * 1.1
    assert cards["fork-bomb"].outcome in {"timeout", "crash", "no_report"}
    assert cards["memory-bomb"].outcome == "memory_limit"
    assert cards["infinite-loop"].outcome == "timeout"
    assert cards["huge-output"].outcome == "passed"
    assert cards["forged-report"].outcome == "tamper_suspected"
    assert all(
        cards[name].tests.score == 0 for name in ("fork-bomb", "memory-bomb", "forged-report")
    )
    assert (cards["solution"].outcome, cards["solution"].tests.score) == ("passed", 75)
    assert (cards["strong"].outcome, cards["strong"].tests.score) == ("passed", 75)
    assert (cards["starter"].outcome, cards["starter"].tests.score) == ("test_failures", 0)
    assert cards["partial"].outcome == "test_failures"
    assert 70 <= 100 * cards["partial"].tests.score / 75 <= 80
    assert cards["buggy"].outcome == "test_failures"
    assert 68 <= 100 * cards["buggy"].tests.score / 75 <= 78
