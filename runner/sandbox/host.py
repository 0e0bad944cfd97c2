"""One process's engine, run images and warm pools, made once and shared by its threads.

A queue worker and the web server's grading pool both grade many submissions from many
threads. Each needs one engine connection (the leftovers of dead runs reaped when it is made),
the challenge's run image (looked up per submission, so that an image removed since is built
again, and built by one thread at a time, never twice at once), and containers started ahead
for that image. This is the one holder of the three; the callers keep only what is theirs
(the store, the queue's retry policy, the web server's threads).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from challenges.load import Challenge
from challenges.model import Limits
from runner.sandbox.engine import ENGINE_ERRORS, Engine, connect
from runner.sandbox.reaper import reap
from runner.sandbox.run_images import RunImage, ensure_run_image
from runner.sandbox.warm_pool import WarmPool, WarmPools

log = logging.getLogger(__name__)


class SandboxHost:
    def __init__(self, base_image: str, docker_timeout: float, slots: int) -> None:
        self._base_image, self._docker_timeout = base_image, docker_timeout
        self._slots = max(1, slots)
        self._lock = threading.Lock()
        self._client: Engine | None = None
        self._pools: WarmPools | None = None

    def engine(self) -> Engine:
        """The engine, connected on first use (leftovers of dead runs removed then)."""
        with self._lock:
            return self._engine()

    def _engine(self) -> Engine:
        if self._client is None:
            client = connect(self._docker_timeout)
            try:
                if removed := reap(client):
                    log.warning("removed leftover run containers: %s", ", ".join(removed))
            except ENGINE_ERRORS as error:  # the next start reaps them; grading can go on
                log.warning("leftover run containers not removed: %s", error)
            self._client = client
        return self._client

    def image(self, challenge: Challenge) -> RunImage:
        """The challenge's run image, found or built."""
        with self._lock:
            return ensure_run_image(self._engine(), challenge, self._base_image)

    def pool(self, image: RunImage, limits: Limits, work_root: Path | None) -> WarmPool:
        """Containers started ahead for this image and these limits, one per slot."""
        with self._lock:
            if self._pools is None:
                self._pools = WarmPools(self._engine(), self._slots, work_root)
            return self._pools.pool(image, limits)

    def close(self) -> None:
        """At worker stop or server shutdown: remove the containers kept warm."""
        with self._lock:
            pools, self._pools = self._pools, None
        if pools is not None:
            pools.close()
