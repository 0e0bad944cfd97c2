"""A one-shot grade's early container, against the real engine: taken only when it is exactly
the container the grade would start, removed otherwise, never left behind."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from runner.sandbox.ahead import StartedAhead
from runner.sandbox.early import EarlyStart
from runner.sandbox.run_images import ensure_run_image
from tests.conftest import BASE_IMAGE, _our_containers

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]


def _begun(kv_store, work_root: Path | None = None) -> EarlyStart:
    early = EarlyStart.begin(kv_store.root, work_root)
    assert early is not None, "the run image carries its source and limits: an early start"
    return early


def _created(engine) -> str:
    """The early container's name, once its thread has created it (polled, up to 30 s)."""
    for _ in range(600):
        if found := _our_containers(engine):
            (name,) = found
            return name
        time.sleep(0.05)
    raise AssertionError("no early container was created")


def test_a_grade_takes_the_early_container_when_it_is_exactly_its_own(kv_store, engine, kv_image):
    early = _begun(kv_store)
    started = _created(engine)  # created before the grade knew its options
    with StartedAhead(engine, kv_image, kv_store.config.limits, None, early) as ahead:
        run = ahead.take(kv_image, kv_store.config.limits)
        assert run.container.name == started
        assert _our_containers(engine) == [started]  # no second container
        run.container.remove(force=True)
        run.handoff.remove()
    early.close()


def test_an_early_container_with_other_limits_is_removed_and_the_grade_starts_its_own(
    kv_store, engine, kv_image
):
    early = _begun(kv_store)
    started = _created(engine)
    other = kv_store.config.limits.model_copy(update={"pids": kv_store.config.limits.pids + 1})
    with StartedAhead(engine, kv_image, other, None, early) as ahead:
        run = ahead.take(kv_image, other)
        assert run.container.name != started
        assert _our_containers(engine) == [run.container.name]
        assert run.container.attrs["HostConfig"]["PidsLimit"] == other.pids
        run.container.remove(force=True)
        run.handoff.remove()
    early.close()


def test_an_early_container_in_another_scratch_directory_is_not_taken(
    kv_store, engine, kv_image, tmp_path
):
    early = _begun(kv_store)  # in the system's temporary directory
    started = _created(engine)
    with StartedAhead(engine, kv_image, kv_store.config.limits, tmp_path, early) as ahead:
        run = ahead.take(kv_image, kv_store.config.limits)
        assert run.container.name != started
        assert run.handoff.directory.parent == tmp_path
        run.container.remove(force=True)
        run.handoff.remove()
    early.close()


def test_an_early_container_no_grade_took_is_removed_with_its_handoff(kv_store, engine, kv_image):
    early = _begun(kv_store)
    started = _created(engine)
    mounts = engine.containers.get(started).attrs["Mounts"]
    (handoff,) = [Path(m["Source"]) for m in mounts if m["Destination"] == "/handoff"]
    assert handoff.is_dir()
    early.close()
    assert _our_containers(engine) == []
    assert not handoff.exists()


def test_a_changed_challenge_finds_no_image_to_start_early(kv_store, engine, kv_image, tmp_path):
    """Its challenge.toml is not the one any run image was built from: nothing starts."""
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    with (copy / "challenge.toml").open("a") as toml:
        toml.write("\n# edited\n")
    assert EarlyStart.begin(copy, None) is None
    assert _our_containers(engine) == []


def test_an_image_built_for_the_challenge_is_found_from_a_copy_of_it(kv_store, engine, tmp_path):
    """The image is found by what the challenge holds, not by where it lies."""
    copy = tmp_path / "kv-store"
    shutil.copytree(kv_store.root, copy)
    ensure_run_image(engine, kv_store, BASE_IMAGE)
    early = EarlyStart.begin(copy, None)
    assert early is not None
    early.close()
