"""Started run containers kept ready, so a slot's next run does not wait for one.

Creating and starting a hardened container costs about 0.2 s on Debian's engine, as much as
half of a short suite. A pool keeps one container per slot started and waiting at its
handoff (nothing of any candidate's inside), and starts the next one in the background as
soon as one is taken, so start-up overlaps the run before it. Each container still takes one
submission only; the pool removes those it holds when it closes.

The pool's size is also the number of runs at a time (``slot``): a batch prepares the next
submissions (intake, scans, measurements) in more threads than that, so the host's work
overlaps the runs instead of leaving a slot idle while it happens.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import docker

from challenges.model import Limits
from runner.errors import InfraError
from runner.sandbox.container import RunContainer, discard, start_container
from runner.sandbox.run_images import RunImage


class WarmPool:
    """``size`` started containers of one image and limits, and ``size`` slots to run in."""

    def __init__(
        self,
        client: docker.DockerClient,
        image: RunImage,
        limits: Limits,
        size: int,
        work_root: Path | None = None,
    ) -> None:
        self._client, self._image, self._limits = client, image, limits
        self._work_root = work_root
        self._ready: queue.SimpleQueue[Future[RunContainer]] = queue.SimpleQueue()
        self._starter = ThreadPoolExecutor(max_workers=max(1, size), thread_name_prefix="warm")
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, size))
        self._closed = False
        for _ in range(max(1, size)):
            self._refill()

    def _start(self) -> RunContainer:
        return start_container(self._client, self._image, self._limits, self._work_root)

    def _refill(self) -> None:
        with self._lock:
            if not self._closed:
                self._ready.put(self._starter.submit(self._start))

    def take(self, image: RunImage, limits: Limits) -> RunContainer:
        """A started container for ``image`` and ``limits``; started now if the pool has none
        ready (another image, an engine failure while warming, more takers than slots)."""
        if image != self._image or limits != self._limits:
            return start_container(self._client, image, limits, self._work_root)
        try:
            future = self._ready.get_nowait()
        except queue.Empty:
            return self._start()
        self._refill()
        try:
            return future.result()
        except InfraError:  # the engine failed while warming: one more try, now, in full view
            return self._start()

    @contextmanager
    def slot(self, image: RunImage, limits: Limits) -> Iterator[RunContainer]:
        """A container to run in, holding one of the pool's slots until the run is over."""
        with self._slots:
            yield self.take(image, limits)

    def close(self) -> None:
        """Stop warming and remove every container the pool still holds."""
        with self._lock:
            self._closed = True
        self._starter.shutdown(wait=True)
        while True:
            try:
                future = self._ready.get_nowait()
            except queue.Empty:
                return
            if future.exception() is None:
                discard(future.result())

    def __enter__(self) -> WarmPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class WarmPools:
    """A pool per run image and limits, for graders that live long and see several
    challenges (a queue worker, the web server). Only the ``keep`` most recently used pools
    stay warm, so a worker that once graded a challenge does not hold its containers forever.
    """

    def __init__(
        self, client: docker.DockerClient, size: int, work_root: Path | None, keep: int = 2
    ) -> None:
        self._client, self._size, self._work_root, self._keep = client, size, work_root, keep
        self._pools: dict[tuple[str, Limits], WarmPool] = {}
        self._lock = threading.Lock()

    def pool(self, image: RunImage, limits: Limits) -> WarmPool:
        key = (image.id, limits)
        retired = []
        with self._lock:
            pool = self._pools.pop(key, None)
            if pool is None:
                pool = WarmPool(self._client, image, limits, self._size, self._work_root)
            self._pools[key] = pool  # now the most recently used
            while len(self._pools) > self._keep:
                retired.append(self._pools.pop(next(iter(self._pools))))
        for old in retired:
            old.close()  # a run still in one of its slots finishes: it holds its container
        return pool

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
