"""Grading exactly once per idempotency key, whoever asks: a queue worker or the web server.

The run of a key is claimed in the store (``start_run``); only the claimant grades, and the
scorecard and the run's end are one transaction (``finish_run``). An infra error is never a
result: the run is marked failed, so the next attempt claims it again.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from graders.base import Outcome
from runner.errors import RepoRejected
from runner.intake.take_in import IntakeOptions, new_work_dir, peek_head
from runner.pipeline import GradeRequest, PipelineConfig, grade, submission_id
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage
from runner.sandbox.warm_pool import WarmPool
from runner.similarity_index import index_quietly
from runner.store.runs import Store, StoreError, idempotency_key

log = logging.getLogger(__name__)

UNKNOWN_HEAD = "unknown"
"""The head in the key when neither the repository nor the request tells it."""


def request_key(
    request: GradeRequest, image: RunImage, intake: IntakeOptions, work_root: Path | None = None
) -> tuple[str, str | None]:
    """The request's idempotency key and the head it was computed from (None: not known).

    The head comes from ``peek_head`` (no objects fetched), else the ref: a push after the
    request was made gives another key, hence another grading, as it should. The image counts
    by its tag, a hash of what went into it, not by its id: two workers that built the same
    image each on their own engine get different ids, and must still agree on the key."""
    work = new_work_dir(work_root)
    try:
        head = peek_head(request.source, request.ref, work, intake)
    except RepoRejected:
        head = None  # the grading itself will say why
    finally:
        shutil.rmtree(work, ignore_errors=True)
    alias = request.submission_id or submission_id(request.source)
    shown = head or request.ref or UNKNOWN_HEAD
    key = idempotency_key(alias, request.source, shown, request.challenge.suite_hash, image.tag)
    return key, head


class Claim(StrEnum):
    GRADED = "graded"
    ALREADY = "already graded"
    HELD = "held by another grader"
    FAILED = "failed"


@dataclass(frozen=True)
class Attempt:
    claim: Claim
    detail: str
    key: str


def _failed(store: Store, run_id: int, key: str, reason: str) -> Attempt:
    try:
        store.fail_run(run_id, reason)
    except StoreError:
        if store.scorecard_for_key(key) is not None:  # our lease ran out; another finished
            return Attempt(Claim.ALREADY, "graded by another worker", key)
        raise
    return Attempt(Claim.FAILED, reason, key)


def grade_once(
    request: GradeRequest,
    store: Store,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
    pool: WarmPool | None = None,
) -> Attempt:
    """Grade ``request`` unless its key's scorecard exists or another grader holds the run."""
    challenge = request.challenge
    key, head = request_key(request, image, config.intake, config.work_root)
    alias = request.submission_id or submission_id(request.source)
    submission = store.submission_for(
        challenge.config.id, alias, request.source, request.ref, request.push_time
    )
    run_id, claimed = store.start_run(submission, key, head, challenge.suite_hash, image.id)
    if not claimed:
        done = store.scorecard_for_key(key) is not None
        return Attempt(Claim.ALREADY if done else Claim.HELD, "", key)
    try:
        graded = grade(request, client, image, config, out_dir, pool)
    except Exception as error:  # a bug in one submission's grading: retried, never charged
        log.exception("grading %s failed", alias)
        return _failed(store, run_id, key, f"internal error ({error.__class__.__name__})")
    card = graded.scorecard
    if card.outcome is Outcome.INFRA_ERROR:
        return _failed(store, run_id, key, card.reason)
    source = None if graded.source is None else graded.source.model_dump_json()
    try:
        store.finish_run(run_id, card, source)
    except StoreError:
        if store.scorecard_for_key(key) is not None:
            return Attempt(Claim.ALREADY, "graded by another worker", key)
        raise
    if graded.source is not None and card.outcome.scored:
        index_quietly(store, challenge, submission, graded.source, card.provenance.commit)
    return Attempt(Claim.GRADED, card.outcome.value, key)
