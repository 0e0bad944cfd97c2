"""Hostile submissions as real git repositories, graded through the real pipeline and engine.

Every test here also checks the host: no run container left on the engine, no process of
the sandbox user left running, nothing new in the host's temporary directory.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docker.errors
import pytest

from challenges.load import Challenge, load_challenge
from graders.registry import available
from reports.scorecard import Scorecard
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.sandbox.engine import Engine
from runner.sandbox.reaper import owner_label
from runner.sandbox.run_images import LABEL, RunImage, ensure_run_image
from tests.conftest import BASE_IMAGE, _our_containers, git, write_files

SANDBOX_UID = 65534
WRAPPER_UID = 65533
SANDBOX_UIDS = {str(SANDBOX_UID), str(WRAPPER_UID)}
WALL_SECONDS = 8

Grade = Callable[..., Scorecard]


@pytest.fixture(scope="session")
def short_kv(tmp_path_factory: pytest.TempPathFactory, kv_store: Challenge) -> Challenge:
    """kv-store with an 8 s wall timeout, so that attacks that hang cost seconds, not minutes."""
    copy = tmp_path_factory.mktemp("short") / "kv-store"
    shutil.copytree(kv_store.root, copy)
    toml = copy / "challenge.toml"
    toml.write_text(
        toml.read_text().replace('wall_timeout = "30s"', f'wall_timeout = "{WALL_SECONDS}s"')
    )
    return load_challenge(copy, available())


@pytest.fixture(scope="session")
def short_image(engine: Engine, short_kv: Challenge) -> RunImage:
    return ensure_run_image(engine, short_kv, BASE_IMAGE)


def _someone_elses(engine: Engine, entry: Path) -> bool:
    """The process lives in a run container another test process started (engineers and CI
    jobs share this engine): not a leak of ours. A process in no container is."""
    try:
        container_id = re.search(r"/docker/([0-9a-f]{64})", (entry / "cgroup").read_text())
    except OSError:
        return True  # gone meanwhile
    if container_id is None:
        return False
    try:
        labels = engine.containers.get(container_id.group(1)).labels
    except docker.errors.NotFound:
        return False
    return labels.get(f"{LABEL}.owner") != owner_label()


def _sandbox_processes(engine: Engine) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        uid_line = next((line for line in status.splitlines() if line.startswith("Uid:")), "")
        if set(uid_line.split()[1:2]) & SANDBOX_UIDS and not _someone_elses(engine, entry):
            found.append(f"{entry.name}: {status.splitlines()[0]}")
    return found


def _sandbox_files(*roots: Path) -> list[str]:
    """Files owned by the sandbox or wrapper user: only a run could have written them."""
    found = []
    for root in roots:
        for base, dirs, files in os.walk(root, followlinks=False):
            for name in [*dirs, *files]:
                path = Path(base) / name
                try:
                    if str(path.lstat().st_uid) in SANDBOX_UIDS:
                        found.append(str(path))
                except OSError:
                    continue
            if base == str(root) and root == Path(tempfile.gettempdir()):
                dirs[:] = []  # the top of /tmp only: other programs own what is below
    return found


@pytest.fixture(autouse=True)
def host_untouched(engine: Engine, tmp_path: Path) -> Iterator[None]:
    """The host after an attack: no container, no sandbox process, no file the sandbox wrote."""
    assert _our_containers(engine) == []
    yield
    assert _our_containers(engine) == [], "a run container was left behind"
    assert _sandbox_processes(engine) == [], "a process of the sandbox user is still running"
    assert _sandbox_files(Path(tempfile.gettempdir()), tmp_path) == [], "the sandbox wrote here"


@pytest.fixture
def hostile_repo(tmp_path: Path, kv_store: Challenge) -> Callable[..., Path]:
    """A git repository: the challenge's ``base`` code, then a commit planting ``files``."""

    def make(files: dict[str, str | bytes], base: str = "solution", name: str = "hostile") -> Path:
        repo = tmp_path / name
        shutil.copytree(kv_store.root / base, repo)
        git(repo, "init", "-q", "-b", "main")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "honest start")
        write_files(repo, files)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "the attack")
        return repo

    return make


@pytest.fixture
def grade_with(engine: Engine, pipeline_config: PipelineConfig, tmp_path: Path) -> Grade:
    """Grade ``source`` against ``challenge`` with ``image``; check the work area is cleaned."""

    def run(
        source: Path | str, challenge: Challenge, image: RunImage, **kwargs: object
    ) -> Scorecard:
        card = grade(
            GradeRequest(source=str(source), challenge=challenge, **kwargs),  # type: ignore[arg-type]
            engine,
            image,
            pipeline_config,
            tmp_path / "out",
        ).scorecard
        assert os.listdir(pipeline_config.work_root) == [], "the exported tree was not removed"
        return card

    return run
