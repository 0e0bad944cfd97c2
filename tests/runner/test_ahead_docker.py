"""A one-shot grade's container starts before its submission is taken in, against the real
engine; and the caller is told when the run begins."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from runner import pipeline, suite_run
from runner.pipeline import GradeRequest, grade
from tests.conftest import _our_containers

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]


def _started_by_now(engine) -> list[str]:
    """Our run containers, polled for up to 30 s until there is one (the start is on a
    thread of its own); an empty list if none ever came."""
    for _ in range(600):
        if found := _our_containers(engine):
            return found
        time.sleep(0.05)
    return []


def test_a_grade_without_a_pool_starts_its_container_before_intake(
    kv_store, engine, kv_image, pipeline_config, tmp_path, monkeypatch
):
    seen_during_intake: list[list[str]] = []
    take_in = pipeline.take_in

    def watched_take_in(*args, **kwargs):
        seen_during_intake.append(_started_by_now(engine))
        return take_in(*args, **kwargs)

    monkeypatch.setattr(pipeline, "take_in", watched_take_in)
    request = GradeRequest(source=str(kv_store.root / "solution"), challenge=kv_store)
    card = grade(request, engine, kv_image, pipeline_config, tmp_path).scorecard
    assert len(seen_during_intake) == 1
    assert len(seen_during_intake[0]) == 1
    assert card.outcome == "passed"  # and that container ran the suite, then went


def test_a_rejected_repository_leaves_no_container_started_ahead(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    request = GradeRequest(source="ext::sh -c evil", challenge=kv_store)
    card = grade(request, engine, kv_image, pipeline_config, tmp_path).scorecard
    assert card.outcome == "repo_rejected"
    # no_leftovers: the container started ahead is removed though no run took it


def test_the_suite_runs_while_the_host_measures(
    kv_store, engine, kv_image, pipeline_config, tmp_path, monkeypatch
):
    """The run takes a hard-linked copy of the tree and starts once the static scan is done;
    lint, complexity, history and similarity are measured meanwhile. The caller hears that
    the host has nothing left to do only after the measurements."""
    events: list[str] = []
    running = threading.Event()
    measure, run = pipeline._measure, suite_run.run_with_retries

    def ran(*args, **kwargs):
        events.append("run")
        running.set()
        return run(*args, **kwargs)

    def measured(*args, **kwargs):
        events.append(f"measure (run started: {running.wait(timeout=30)})")
        return measure(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_measure", measured)
    monkeypatch.setattr(suite_run, "run_with_retries", ran)
    config = replace(pipeline_config, run_begins=lambda: events.append("begins"))
    request = GradeRequest(source=str(kv_store.root / "solution"), challenge=kv_store)
    card = grade(request, engine, kv_image, config, tmp_path).scorecard
    assert events == ["run", "measure (run started: True)", "begins"]
    assert card.outcome == "passed"
    assert card.measurements.lint is not None
    assert card.measurements.complexity is not None
