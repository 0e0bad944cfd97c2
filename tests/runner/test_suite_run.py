"""The run on its own thread: waited for by an event it sets, never by an interrupted join."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from runner import suite_run
from runner.sandbox.run_images import RunImage
from runner.suite_run import BackgroundRun, RunPlan

IMAGE = RunImage(tag="takehome-run/x:1", id="sha256:1", base="base")


def _plan(kv_store) -> RunPlan:
    return RunPlan(client=object(), image=IMAGE, limits=kv_store.config.limits,  # type: ignore[arg-type]
                   work_root=None, attempts=1, backoff=0.0, pool=None)  # fmt: skip


def test_a_run_never_started_is_not_waited_for(kv_store, tmp_path: Path) -> None:
    BackgroundRun(_plan(kv_store), tmp_path).wait()  # returns at once


def test_the_wait_lasts_until_the_run_is_over(kv_store, tmp_path: Path, monkeypatch) -> None:
    release = threading.Event()

    def slow_run(*_args: Any) -> Any:
        release.wait(5)
        raise suite_run.InfraError("the engine went away")

    monkeypatch.setattr(suite_run, "run_with_retries", slow_run)
    running = BackgroundRun(_plan(kv_store), tmp_path).start()
    waiter = threading.Thread(target=running.wait)
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # still waiting: the run is not over
    release.set()
    waiter.join(5)
    assert not waiter.is_alive()
