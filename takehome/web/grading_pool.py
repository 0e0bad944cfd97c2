"""In-process grading for ``takehome serve``: a small thread pool behind ``enqueue``.

Grading is exactly-once per idempotency key, as on the distributed workers: ``start_run``
claims the run, only the claimant grades, and ``finish_run`` stores the scorecard and ends the
run together. An infra error is never a result: the run is marked failed, so the next push or
regrade grades it again. Web submissions come from candidates, so local paths are refused
(``allow_local`` off) whatever the staff's CLI allows. Shutting down waits for the gradings
already queued: a candidate whose link was spent must still get a grade.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from challenges.load import Challenge
from runner.pipeline import GradeRequest, PipelineConfig
from runner.queue.claim import Claim, grade_once
from runner.sandbox.engine import Engine
from runner.sandbox.host import SandboxHost
from runner.sandbox.run_images import RunImage
from runner.sandbox.warm_pool import WarmPool
from runner.store.runs import Store
from takehome import wiring
from takehome.settings import Settings

log = logging.getLogger(__name__)


def grade_and_store(request: GradeRequest, store: Store, client: Engine, image: RunImage,
                    config: PipelineConfig, out_dir: Path,
                    pool: WarmPool | None = None) -> str:  # fmt: skip
    """Grade ``request`` unless its run is done or held elsewhere; what happened, for the log."""
    attempt = grade_once(request, store, client, image, config, out_dir, pool)
    if attempt.claim is Claim.FAILED:
        return f"infra error, not recorded as a result: {attempt.detail}"
    if attempt.claim in {Claim.ALREADY, Claim.HELD}:
        return "already graded, or being graded elsewhere"
    return f"graded: {attempt.detail}"


class GradingPool:
    """``enqueue`` for the web app: gradings run in ``slots`` threads of this process."""

    def __init__(self, settings: Settings, store: Store, out_dir: Path, slots: int) -> None:
        self._settings, self._store, self._out_dir = settings, store, out_dir
        self._pool = ThreadPoolExecutor(max_workers=max(1, slots), thread_name_prefix="grade")
        self._host = SandboxHost(settings.base_image, settings.docker_timeout, slots)

    def _config(self, challenge: Challenge) -> PipelineConfig:
        config = wiring.pipeline_config(self._settings, challenge)
        return replace(config, intake=replace(config.intake, allow_local=False))

    def _run(self, request: GradeRequest) -> None:
        alias = request.submission_id or request.source
        try:
            client = self._host.engine()
            image = self._host.image(request.challenge)
            config = self._config(request.challenge)
            warm = self._host.pool(image, request.challenge.config.limits, config.work_root)
            done = grade_and_store(request, self._store, client, image, config, self._out_dir,
                                   warm)  # fmt: skip
            log.info("%s: %s", alias, done)
        except Exception:  # the server goes on; the run (if claimed) is marked failed
            log.exception("grading %s failed", alias)

    def enqueue(self, request: GradeRequest) -> None:
        self._pool.submit(self._run, request)

    def close(self) -> None:
        """Wait for the gradings already handed over, then stop the threads and remove the
        containers kept warm (those even when a second signal cuts the wait short)."""
        try:
            self._pool.shutdown(wait=True)
        finally:
            self._host.close()
