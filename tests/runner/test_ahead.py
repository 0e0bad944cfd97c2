"""The container a one-shot grade starts ahead: who gets it, and that none is left unused."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from challenges.model import Limits
from runner.errors import InfraError
from runner.sandbox import ahead, early
from runner.sandbox.ahead import StartedAhead
from runner.sandbox.run_images import RunImage

IMAGE = RunImage(tag="takehome-run/x:1", id="sha256:1", base="base")


class Starts:
    """Stands in for ``start_container`` and ``discard``: numbered containers, and a record."""

    def __init__(self, fail_first: bool = False) -> None:
        self.started: list[str] = []
        self.discarded: list[str] = []
        self.fail_first = fail_first

    def start(self, client: object, image: RunImage, limits: Limits, work: Path | None) -> Any:
        if self.fail_first and not self.started:
            self.started.append("failed")
            raise InfraError("the engine failed to start a run container")
        self.started.append(f"c{len(self.started) + 1}")
        return self.started[-1]

    def discard(self, container: Any) -> None:
        self.discarded.append(container)


@pytest.fixture
def limits(kv_store) -> Limits:
    return kv_store.config.limits


def _patched(monkeypatch: pytest.MonkeyPatch, starts: Starts) -> None:
    monkeypatch.setattr(ahead, "start_container", starts.start)
    monkeypatch.setattr(ahead, "discard", starts.discard)


def test_the_container_started_ahead_goes_to_the_first_run_and_a_retry_gets_a_new_one(
    monkeypatch, limits
):
    starts = Starts()
    _patched(monkeypatch, starts)
    with StartedAhead(object(), IMAGE, limits, None) as slots:
        with slots.slot(IMAGE, limits) as first:
            assert first == "c1"
        with slots.slot(IMAGE, limits) as retry:
            assert retry == "c2"
    assert starts.started == ["c1", "c2"]
    assert starts.discarded == []  # the runs remove theirs (run_suite), not the slots


def test_a_container_no_run_took_is_removed_when_the_grade_ends(monkeypatch, limits):
    starts = Starts()
    _patched(monkeypatch, starts)
    StartedAhead(object(), IMAGE, limits, None).close()  # a rejected repository: no run
    assert starts.started == ["c1"]
    assert starts.discarded == ["c1"]


def test_another_image_or_limits_get_a_container_of_their_own(monkeypatch, limits):
    starts = Starts()
    _patched(monkeypatch, starts)
    other = limits.model_copy(update={"pids": limits.pids + 1})
    with StartedAhead(object(), IMAGE, limits, None) as slots:
        assert slots.take(IMAGE, other) == "c2"
    assert starts.discarded == ["c1"]


def test_a_start_that_failed_ahead_is_tried_again_in_full_view(monkeypatch, limits):
    starts = Starts(fail_first=True)
    _patched(monkeypatch, starts)
    with StartedAhead(object(), IMAGE, limits, None) as slots:
        assert slots.take(IMAGE, limits) == "c2"
    assert starts.discarded == []


def test_the_container_starts_with_prompt_thread_switches_and_the_interval_is_put_back(
    monkeypatch, limits
):
    """The start's calls to the engine are not kept waiting by the main thread's imports."""
    seen: list[float] = []
    starts = Starts()

    def start(*args: Any) -> Any:
        seen.append(sys.getswitchinterval())
        return starts.start(*args)

    _patched(monkeypatch, starts)
    monkeypatch.setattr(ahead, "start_container", start)
    before = sys.getswitchinterval()
    with StartedAhead(object(), IMAGE, limits, None) as slots:
        assert slots.take(IMAGE, limits) == "c1"
    assert seen == [early.START_SWITCH_INTERVAL]
    assert sys.getswitchinterval() == before
