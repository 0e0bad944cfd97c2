"""The reaper removes run containers whose owner is gone, and nothing that is still in use."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys

import docker.errors
import pytest

from runner.sandbox.reaper import mark_active, mark_done, owner_label, reap
from runner.sandbox.run_images import LABEL

pytestmark = pytest.mark.docker


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def make_container(engine, kv_image):
    made = []

    def make(owner: str, kind: str = "run"):
        container = engine.containers.create(
            kv_image.id, command=["true"], labels={LABEL: kind, f"{LABEL}.owner": owner}
        )
        made.append(container)
        return container

    yield make
    for container in made:
        with contextlib.suppress(docker.errors.NotFound):  # already reaped
            container.remove(force=True)


def _exists(engine, container) -> bool:
    return any(c.id == container.id for c in engine.containers.list(all=True))


def test_containers_of_dead_owners_are_removed(engine, make_container):
    host = socket.gethostname()
    dead = make_container(f"{host}:{_dead_pid()}")
    alive = make_container(f"{host}:{os.getppid()}")
    elsewhere = make_container(f"another-host:{_dead_pid()}")
    not_ours = make_container(f"{host}:{_dead_pid()}", kind="something-else")
    removed = reap(engine)
    assert dead.name in removed
    assert not _exists(engine, dead)
    for kept in (alive, elsewhere, not_ours):
        assert _exists(engine, kept)


def test_this_process_keeps_its_active_runs_and_loses_its_orphans(engine, make_container):
    active = make_container(owner_label())
    orphan = make_container(owner_label())
    mark_active(active.id)
    try:
        reap(engine)
    finally:
        mark_done(active.id)
    assert _exists(engine, active)
    assert not _exists(engine, orphan)


def test_gc_command_reports_what_it_removed(engine, make_container):
    dead = make_container(f"{socket.gethostname()}:{_dead_pid()}")
    result = subprocess.run(
        [sys.executable, "-m", "takehome", "gc"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert dead.name in result.stdout
    assert not _exists(engine, dead)
