"""Shared fixtures: real git repositories, the real Docker engine, golden files.

Tests marked ``docker`` use the engine that scripts/test.sh starts; without one they fail
(never skip), so a CI run cannot pass by testing less.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from challenges.load import Challenge, load_challenge
from graders.registry import available
from runner.intake.take_in import IntakeOptions
from runner.intake.url_policy import UrlPolicy
from runner.pipeline import PipelineConfig
from runner.sandbox.engine import Engine, connect
from runner.sandbox.run_images import LABEL, RunImage, ensure_run_image

BASE_IMAGE = os.environ.get("TAKEHOME_BASE_IMAGE", "takehome-base:bookworm")
CATALOG = Path(__file__).parents[1] / "challenges" / "catalog"
FIXTURES = Path(__file__).parent / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data directory, hence its own default store: no test reads or
    writes the store of the user running the suite (commands run as subprocesses inherit it)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TAKEHOME_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def kv_store() -> Challenge:
    return load_challenge("kv-store", available())


@pytest.fixture(scope="session")
def engine() -> Engine:
    try:
        return connect()
    except Exception as error:  # a docker test without an engine fails loudly
        pytest.fail(
            f"tests marked docker need a Docker engine (scripts/test.sh starts one): {error}"
        )


@pytest.fixture(scope="session")
def kv_image(engine: Engine, kv_store: Challenge) -> RunImage:
    return ensure_run_image(engine, kv_store, BASE_IMAGE)


def _our_containers(engine: Engine) -> list[str]:
    owner = f"{socket.gethostname()}:{os.getpid()}"
    found = engine.containers.list(all=True, filters={"label": f"{LABEL}.owner={owner}"})
    return [container.name for container in found]


@pytest.fixture
def no_leftovers(engine: Engine) -> Iterator[None]:
    """Asserts on the engine that the test left no container of this process behind."""
    assert _our_containers(engine) == []
    yield
    assert _our_containers(engine) == [], "a run container was left behind"


@pytest.fixture(autouse=True)
def _docker_tests_leave_nothing(request: pytest.FixtureRequest) -> None:
    """The safety net of every test marked docker: no run container of this process before it
    starts, none left when it ends (``no_leftovers``), whether or not the test asks for it."""
    if request.node.get_closest_marker("docker") is not None:
        request.getfixturevalue("no_leftovers")


@pytest.fixture
def pipeline_config(tmp_path: Path) -> PipelineConfig:
    work = tmp_path / "work"
    work.mkdir()
    return PipelineConfig(
        intake=IntakeOptions(policy=UrlPolicy(allowed_hosts=["github.com"])),
        work_root=work,
        backoff=0.1,
    )


def git(repo: Path, *args: str) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Candidate",
        "GIT_AUTHOR_EMAIL": "candidate@example.com",
        "GIT_COMMITTER_NAME": "Test Candidate",
        "GIT_COMMITTER_EMAIL": "candidate@example.com",
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


RepoFactory = Callable[..., Path]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``{relative path: text or bytes}`` under ``root``, folders included."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


@pytest.fixture
def make_repo(tmp_path: Path) -> RepoFactory:
    """A real git repository whose commits copy the given directories (or file maps) in turn."""

    def make(*commits: Path | dict[str, str], name: str = "candidate") -> Path:
        repo = tmp_path / name
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        for number, content in enumerate(commits, start=1):
            for child in repo.iterdir():
                if child.name != ".git":
                    shutil.rmtree(
                        child
                    ) if child.is_dir() and not child.is_symlink() else child.unlink()
            if isinstance(content, dict):
                write_files(repo, content)
            else:
                shutil.copytree(content, repo, dirs_exist_ok=True, symlinks=True)
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "--allow-empty", "-m", f"commit {number}")
        return repo

    return make
