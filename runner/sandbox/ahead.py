"""One run container started in the background while a one-shot grade prepares its submission.

A batch keeps containers warm in a pool (``runner.sandbox.warm_pool``); a single grade has no
earlier run to overlap with, so its container would start only once intake, the scan and the
measurements are done, and the engine's create and start (and the wrapper's own start-up)
would add to the grade's time. Started ahead, the container boots while the host works. It is
the same container, with the same options, waiting at its handoff with nothing of the
candidate's inside (``runner.sandbox.handoff``); it takes one submission only, and if the grade
never gets to its run (a rejected repository), ``close`` removes it.

``takehome grade`` starts one even earlier, before the grader's modules load
(``runner.sandbox.early``); it is the container taken here if, and only if, it is exactly the
one this grade would start, and removed otherwise.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import docker

from challenges.model import Limits
from runner.errors import InfraError
from runner.interrupts import settled
from runner.sandbox.container import RunContainer, discard, start_container
from runner.sandbox.early import EarlyStart, discard_claimed, prompt_switches
from runner.sandbox.run_images import RunImage


class StartedAhead:
    """The ``slot`` of a warm pool of one, for one grade: the container started at creation
    goes to the first run; a retry (after an engine failure) starts a fresh one in full view.
    """

    def __init__(
        self, client: docker.DockerClient, image: RunImage, limits: Limits,
        work_root: Path | None, early: EarlyStart | None = None,
    ) -> None:  # fmt: skip
        self._client, self._image, self._limits = client, image, limits
        self._work_root = work_root
        self._future: Future[RunContainer] | None = Future()
        future = self._future
        self._thread = threading.Thread(
            target=self._start_into, args=(future, early), name="ahead", daemon=True
        )
        self._thread.start()

    def _early(self, early: EarlyStart) -> RunContainer | None:
        """The early container if it is exactly the one this grade would start, else None
        (and it is removed)."""
        claimed = early.claim()
        if claimed is None:
            return None
        if not claimed.fits(self._image.id, self._limits, self._work_root):
            discard_claimed(self._client, claimed)
            return None
        container = self._client.containers.prepare_model(claimed.container.attrs)
        return RunContainer(container, claimed.handoff, self._limits)

    def _start_into(self, future: Future[RunContainer], early: EarlyStart | None) -> None:
        try:
            taken = self._early(early) if early is not None else None
            if taken is not None:
                future.set_result(taken)
                return
            with prompt_switches():
                started = start_container(self._client, self._image, self._limits,
                                          self._work_root)  # fmt: skip
            future.set_result(started)
        except BaseException as error:  # raised again by ``take``
            future.set_exception(error)

    def take(self, image: RunImage, limits: Limits) -> RunContainer:
        """The container started ahead if it fits and is still there, else one started now."""
        future, self._future = self._future, None
        if future is None or image != self._image or limits != self._limits:
            if future is not None:
                self._discard(future)
            return start_container(self._client, image, limits, self._work_root)
        try:
            return future.result()
        except InfraError:  # the engine failed meanwhile: one more try, now, in full view
            return start_container(self._client, image, limits, self._work_root)

    @contextmanager
    def slot(self, image: RunImage, limits: Limits) -> Iterator[RunContainer]:
        """What ``WarmPool.slot`` gives: a started container for this run."""
        yield self.take(image, limits)

    @staticmethod
    def _discard(future: Future[RunContainer]) -> None:
        """Remove the container once its start is over, even if Ctrl-C came meanwhile."""
        interrupted = settled(future.exception)
        with contextlib.suppress(Exception):  # a failed start left nothing behind
            discard(future.result())
        if interrupted is not None:
            raise interrupted

    def close(self) -> None:
        """Remove the container if no run took it (waiting for its start to finish)."""
        future, self._future = self._future, None
        if future is not None:
            self._discard(future)

    def __enter__(self) -> StartedAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
