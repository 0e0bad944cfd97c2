"""Grading many submissions in parallel slots; every submission ends with a scorecard.

Slots are threads: each one spends its time waiting on the engine, and the heavy work runs in
the containers, each held to its own CPU quota. A bug in one submission's grading is recorded
as that submission's infra error (never a score) and the batch goes on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from challenges.load import Challenge
from runner.pipeline import GradeRequest, PipelineConfig, grade, record_infra_error
from runner.recording import Graded
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage
from runner.sandbox.warm_pool import WarmPool

log = logging.getLogger(__name__)

PREPARE_AHEAD = 2
"""Submissions in progress per slot: one running, one being prepared on the host meanwhile."""


def default_slots(challenge: Challenge) -> int:
    """Cores divided by the challenge's CPU quota, at least one."""
    return max(1, int((os.cpu_count() or 1) // challenge.config.limits.cpus))


def _internal_error(
    request: GradeRequest, image: RunImage, out_dir: Path, error: Exception,
    config: PipelineConfig,
) -> Graded:  # fmt: skip
    """The record of a grading that crashed; as blind as the batch, like every scorecard, and
    never in place of a scorecard that holds finished work."""
    reason = f"internal error while grading ({error.__class__.__name__}); not the candidate's fault"
    return record_infra_error(request, image, out_dir, reason, config.blind,
                              config.has_finished_work)  # fmt: skip


def grade_batch(
    requests: Sequence[GradeRequest],
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
    slots: int,
    on_graded: Callable[[Graded], None] | None = None,
) -> list[Graded]:
    """Grade ``requests`` with ``slots`` in parallel; results in the order of ``requests``."""

    def one(request: GradeRequest) -> Graded:
        try:
            return grade(request, client, image, config, out_dir, pool)
        except Exception as error:  # one submission's bug must not sink the batch
            log.exception("grading %s failed", request.source)
            return _internal_error(request, image, out_dir, error, config)

    if not requests:
        return []
    results: dict[int, Graded] = {}
    limits = requests[0].challenge.config.limits
    with (
        WarmPool(client, image, limits, min(slots, len(requests)), config.work_root) as pool,
        ThreadPoolExecutor(
            max_workers=max(1, slots) * PREPARE_AHEAD, thread_name_prefix="slot"
        ) as executor,
    ):
        futures = {executor.submit(one, request): index for index, request in enumerate(requests)}
        try:
            for future in as_completed(futures):
                graded = future.result()
                results[futures[future]] = graded
                if on_graded is not None:
                    on_graded(graded)
        except BaseException:  # Ctrl-C: finish the runs under way, start no other
            executor.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[index] for index in range(len(requests))]
