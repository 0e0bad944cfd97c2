"""The hidden suite's run for one submission, in the background while the host measures.

The run and the host's measurements (lint, complexity, history, similarity, the source a
reviewer reads) need the same exported tree but nothing from each other, and the run is
mostly waiting on the container. So the run takes a hard-linked copy of the tree
(``runner.sandbox.handoff.linked_copy``), mounted read-only in the container, and starts as
soon as the static scan is done; the host measures the original meanwhile. Engine failures
are retried with back-off; each retry leaves a flag, added once the run is over so that the
order of a scorecard's flags never depends on timing.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from challenges.model import Limits
from graders.base import RunEvidence
from reports.scorecard import Flag
from runner.errors import InfraError
from runner.interrupts import settled
from runner.sandbox.ahead import StartedAhead
from runner.sandbox.container import run_suite, start_container
from runner.sandbox.engine import Engine
from runner.sandbox.reaper import reap_quietly
from runner.sandbox.run_images import RunImage
from runner.sandbox.warm_pool import WarmPool

Pool = WarmPool | StartedAhead | None


@dataclass(frozen=True)
class RunPlan:
    """What one run needs besides the tree."""

    client: Engine
    image: RunImage
    limits: Limits
    work_root: Path | None
    attempts: int
    backoff: float
    pool: Pool


def run_once(plan: RunPlan, tree: Path) -> RunEvidence:
    """One run: in a container started now, or in one of the pool's, waiting for a slot."""
    if plan.pool is None:
        container = start_container(plan.client, plan.image, plan.limits, plan.work_root)
        return run_suite(container, tree)
    with plan.pool.slot(plan.image, plan.limits) as container:
        return run_suite(container, tree)


def run_with_retries(plan: RunPlan, tree: Path, flags: list[Flag]) -> RunEvidence:
    """Run the suite, retrying engine failures with back-off; each retry leaves a flag."""
    delay = plan.backoff
    for attempt in range(1, plan.attempts + 1):
        try:
            return run_once(plan, tree)
        except InfraError as error:
            if attempt == plan.attempts:
                raise
            flags.append(Flag(kind="infra", message=f"attempt {attempt} failed, retried: {error}"))
            time.sleep(delay)
            reap_quietly(plan.client)  # a container whose removal failed with the engine
            delay *= 2
    raise AssertionError("unreachable")


class BackgroundRun:
    """``run_with_retries`` on a thread of its own; ``result`` waits for it."""

    def __init__(self, plan: RunPlan, tree: Path) -> None:
        self.plan, self.tree = plan, tree
        self.flags: list[Flag] = []
        self.seconds = 0.0
        self._evidence: RunEvidence | None = None
        self._error: BaseException | None = None
        self._over = threading.Event()
        self._thread = threading.Thread(target=self._run, name="run", daemon=True)

    def start(self) -> BackgroundRun:
        self._thread.start()
        return self

    def _run(self) -> None:
        started = time.monotonic()
        try:
            self._evidence = run_with_retries(self.plan, self.tree, self.flags)
        except BaseException as error:  # raised again by ``result``, on the caller's thread
            self._error = error
        finally:
            self.seconds = round(time.monotonic() - started, 4)
            self._over.set()

    def wait(self) -> None:
        """Until the run is over, whatever its result (the container is gone then); through
        Ctrl-C, which is raised once it is (``runner.interrupts``)."""
        if self._thread.ident is None:  # never started: nothing to wait for
            return
        if (interrupted := settled(self._over.wait)) is not None:
            raise interrupted

    def result(self) -> RunEvidence:
        self.wait()
        if self._error is not None:
            raise self._error
        if self._evidence is None:  # pragma: no cover - _run sets one of the two
            raise InfraError("the run ended without a result")
        return self._evidence
