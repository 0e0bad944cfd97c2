"""Sending a cohort to the workers and waiting for its scorecards in the store.

The store, not the broker, says when a job is done: results land there exactly once, and a
broker may forget (a Redis restarted without persistence loses every message it held). So
when nothing has landed for ``resend_after`` seconds, the jobs still waiting are keyed again
(a candidate may have pushed, which makes another key) and sent again. That is harmless: a
job whose scorecard exists is a no-op, one another worker holds waits for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from celery import Celery

from challenges.load import Challenge
from reports.scorecard import Scorecard
from runner.pipeline import record_infra_error
from runner.queue.celery_app import QueueError, enqueue
from runner.queue.jobs import MAX_ATTEMPTS, Job
from runner.sandbox.run_images import RunImage
from runner.store.models import RunStatus
from runner.store.run_state import run_state
from runner.store.runs import Store

log = logging.getLogger(__name__)

KeyOf = Callable[[Job], str]


@dataclass
class Waiting:
    job: Job
    key: str
    attempts: int
    """Claims of its run when it was sent: a failure counts only if it happened after."""


@dataclass(frozen=True)
class Sent:
    kept: list[tuple[Job, Scorecard]]
    """Jobs whose scorecard was already in the store: not sent."""
    waiting: list[Waiting]


def _waiting(store: Store, job: Job, key: str) -> Waiting:
    state = run_state(store, key)
    return Waiting(job, key, 0 if state is None else state.attempts)


def send(app: Celery, store: Store, jobs: Sequence[Job], key_of: KeyOf) -> Sent:
    """Send the jobs whose key has no scorecard yet; the others are kept as they are."""
    kept, waiting = [], []
    for job in jobs:
        key = key_of(job)
        card = store.scorecard_for_key(key)
        if card is None:
            waiting.append(_waiting(store, job, key))
        else:
            kept.append((job, card))
    enqueue(app, [item.job for item in waiting])
    return Sent(kept=kept, waiting=waiting)


def landed(store: Store, item: Waiting) -> Scorecard | str | None:
    """The scorecard, the reason it failed for good, or None while it is on its way."""
    card = store.scorecard_for_key(item.key)
    if card is not None:
        return card
    state = run_state(store, item.key)
    if (state is not None and state.status is RunStatus.FAILED
            and state.attempts > item.attempts and state.attempts >= MAX_ATTEMPTS):  # fmt: skip
        return state.reason or "infra error"
    return None


def wait(
    app: Celery,
    store: Store,
    waiting: Sequence[Waiting],
    key_of: KeyOf,
    on_landed: Callable[[Job, Scorecard | str], None],
    resend_after: float,
    poll: float = 0.5,
) -> None:
    """Poll the store until every job has landed: ``on_landed(job, scorecard)``, or
    ``on_landed(job, reason)`` for an infra error that outlived its retries."""
    pending = dict(enumerate(waiting))
    progress = time.monotonic()
    while pending:
        for index, item in list(pending.items()):
            result = landed(store, item)
            if result is not None:
                del pending[index]
                progress = time.monotonic()
                on_landed(item.job, result)
        if pending and time.monotonic() - progress >= resend_after:
            log.warning("nothing landed for %.0f s: sending %d job(s) again", resend_after,
                        len(pending))  # fmt: skip
            for index, item in pending.items():
                pending[index] = _waiting(store, item.job, key_of(item.job))
            try:
                enqueue(app, [item.job for item in pending.values()])
            except QueueError as error:
                log.warning("%s; trying again later", error)
            progress = time.monotonic()
        if pending:
            time.sleep(poll)


def infra_error_card(job: Job, challenge: Challenge, image: RunImage, reason: str,
                     blind: bool) -> Scorecard:  # fmt: skip
    """What the in-process batch records for a submission it could not grade: no score, the
    reason, reports under the job's out dir. Never stored: the next batch grades it again."""
    request = job.request(challenge)
    return record_infra_error(request, image, Path(job.out_dir), reason, blind).scorecard
