"""Distributed grading: a Celery app whose one task grades one submission, exactly once.

Celery delivers a message at least once; the store turns that into exactly once. The task
claims the run of the submission's idempotency key (``Store.start_run``), and only the
claimant grades; the scorecard and the run's end are one transaction (``finish_run``). A
redelivered job whose scorecard exists is a no-op; one whose run another worker holds is
retried later, by which time that worker has finished or its lease has run out.

The app's settings, and why:

- ``task_acks_late`` and prefetch 1: a message is acknowledged only once its result is in
  the store, so a worker that dies mid-job (``kill -9``, a lost host) leaves it to be
  delivered again, and a busy worker never holds messages an idle one could run.
- ``task_reject_on_worker_lost``: a job whose worker process vanished goes back to the queue
  instead of being recorded as failed.
- JSON only: a payload is data; pickle would let whoever can write to the broker run code on
  every worker.
- The threads pool: like ``runner.batch``'s slots, a job mostly waits on the engine, and each
  run container carries the pid of the process that started it, so the worker is one process
  whose death the reaper recognises (a prefork child's pid would hide it).
- The lease is also Redis's visibility timeout: a message unacknowledged that long is
  delivered again, and by then the run's claim has lapsed too, so the next worker grades it.
  Workers look for such messages every quarter lease (ten seconds at most), and the lock of
  that look expires as fast, so a worker killed while holding it stops no one for minutes.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import kombu.exceptions
from celery import Celery, Task, bootsteps
from pydantic import ValidationError

from challenges.base_error import TakehomeError
from challenges.load import Challenge, load_challenge
from graders.registry import available
from runner.errors import InfraError
from runner.intake.take_in import IntakeOptions
from runner.intake.url_policy import UrlPolicy
from runner.pipeline import PipelineConfig
from runner.queue.claim import Claim, grade_once
from runner.queue.jobs import MAX_ATTEMPTS, Job
from runner.sandbox.engine import Engine
from runner.sandbox.host import SandboxHost
from runner.store.run_state import run_state
from runner.store.runs import DEFAULT_LEASE, Store, StoreError

log = logging.getLogger(__name__)

GRADE_TASK = "takehome.grade_submission"
Configure = Callable[[Challenge, bool | None], PipelineConfig]
"""The pipeline configuration of a challenge, given the job's blind flag (None: default)."""


class QueueError(TakehomeError):
    """The broker cannot be reached, so jobs cannot be sent."""


def default_configure(challenge: Challenge, blind: bool | None) -> PipelineConfig:
    """Hosts the challenge allows, nothing trusted: for apps built without settings."""
    policy = UrlPolicy(allowed_hosts=challenge.config.allowed_hosts)
    return PipelineConfig(intake=IntakeOptions(policy=policy), blind=bool(blind))


class _Again(Exception):
    """Not an error: the job must run again later (another worker holds its run, or its last
    attempt ended in an infra error and the store allows another)."""


class _Grader:
    """A worker's sandbox host and store, made once and shared by its threads."""

    def __init__(self, store_url: str, lease: timedelta, base_image: str,
                 docker_timeout: float, configure: Configure, slots: int) -> None:  # fmt: skip
        self._store_url, self._lease = store_url, lease
        self._configure = configure
        self._host = SandboxHost(base_image, docker_timeout, slots)
        self._lock = threading.Lock()
        self._store: Store | None = None

    def prepare(self) -> tuple[Engine, Store]:
        """Connect to the engine (reaping the leftovers of dead runs) and the store, once."""
        client = self._host.engine()
        with self._lock:
            if self._store is None:
                self._store = Store.open(self._store_url, self._lease)
            return client, self._store

    def close(self) -> None:
        """At worker stop: remove the containers kept warm."""
        self._host.close()

    def grade(self, job: Job) -> str:
        """Grade ``job`` unless its scorecard exists; what happened, for the log.

        Raises ``_Again`` when the job must run again later: another worker holds it, or this
        attempt ended in an infra error (the run is marked failed, so it is claimed again)."""
        client, store = self.prepare()
        challenge = load_challenge(job.challenge, available())
        image = self._host.image(challenge)
        config = self._configure(challenge, job.blind)
        pool = self._host.pool(image, challenge.config.limits, config.work_root)
        attempt = grade_once(job.request(challenge), store, client, image, config,
                             Path(job.out_dir), pool)  # fmt: skip
        if attempt.claim is Claim.HELD:
            raise _Again(attempt.claim)
        if attempt.claim is Claim.FAILED:
            state = run_state(store, attempt.key)
            attempts = state.attempts if state is not None else MAX_ATTEMPTS
            if attempts < MAX_ATTEMPTS:
                raise _Again(f"infra error: {attempt.detail}")
            return f"failed after {attempts} attempts: {attempt.detail}"
        return f"{attempt.claim.value}: {attempt.detail}" if attempt.detail else attempt.claim.value


_GRADERS: weakref.WeakKeyDictionary[Celery, _Grader] = weakref.WeakKeyDictionary()


def make_app(
    broker_url: str,
    store_url: str,
    *,
    base_image: str = "takehome-base:bookworm",
    lease: timedelta = DEFAULT_LEASE,
    concurrency: int | None = None,
    docker_timeout: float = 60.0,
    configure: Configure = default_configure,
) -> Celery:
    """The Celery app of takehome's workers and of whoever sends them jobs.

    ``lease``: how long a job may run before it is taken for lost (the store's claim and the
    broker's visibility timeout). ``concurrency``: jobs per worker (default: the cores; the
    caller knows the CPU quota of a job, hence how many fit)."""
    app = Celery("takehome", broker=broker_url, set_as_current=False)
    slots = concurrency or os.cpu_count() or 1
    seconds = lease.total_seconds()
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        event_serializer="json", task_acks_late=True, task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1, task_ignore_result=True, worker_pool="threads",
        worker_concurrency=slots,
        broker_connection_retry_on_startup=True, broker_connection_max_retries=None,
        broker_transport_options={
            "visibility_timeout": seconds,
            "unacked_restore_interval": max(1, min(10, int(seconds / 4))),
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": max(1, min(300, int(seconds / 4))),
            "socket_connect_timeout": 10,
        },
    )  # fmt: skip
    grader = _Grader(store_url, lease, base_image, docker_timeout, configure, slots)
    _GRADERS[app] = grader

    # Who retries what, once each: the pipeline retries an engine call that failed during one
    # run (seconds apart, in process); the store counts whole gradings that ended in an infra
    # error (MAX_ATTEMPTS, then the run is failed for good); Celery's own backoff spaces this
    # task's attempts, for a held run, an allowed infra retry or an engine or store that is away,
    # capped below the lease (Redis delivers an unacknowledged message again after it).
    @app.task(name=GRADE_TASK, bind=True, max_retries=None,
              autoretry_for=(_Again, InfraError, StoreError), retry_backoff=1,
              retry_backoff_max=max(1, int(seconds / 2)), retry_jitter=False)  # fmt: skip
    def grade_submission(self: Task[Any, Any], payload: dict[str, Any]) -> str:
        """Grade one submission (a ``Job`` as JSON); its scorecard lands in the store once."""
        try:
            job = Job.model_validate(payload)
        except ValidationError as error:
            log.error("dropped a malformed job: %s", " ".join(str(error).split()))
            return "malformed"  # it would fail the same way every time
        try:
            outcome = grader.grade(job)
        except (_Again, InfraError, StoreError) as error:
            log.warning("%s: %s; again after attempt %d", job.alias, error,
                        self.request.retries + 1)  # fmt: skip
            raise
        log.info("%s: %s", job.alias, outcome)
        return outcome

    class Prepare(bootsteps.StartStopStep):
        """At worker start: engine and store connected, leftovers of dead runs removed; at
        stop: the containers kept warm removed."""

        def start(self, parent: Any) -> None:
            grader.prepare()

        def stop(self, parent: Any) -> None:
            grader.close()

    app.steps["worker"].add(Prepare)
    return app


def prepare_worker(app: Celery) -> None:
    """Connect the app's worker to the engine and the store now, so that a missing engine or
    database is reported before the worker starts taking jobs."""
    _GRADERS[app].prepare()


def check_broker(app: Celery, attempts: int = 3) -> None:
    """The broker answers, or one line saying which cannot be reached: a worker started
    against a broker that is down would otherwise only log its retries, for ever. (Once
    running, a worker waits out a broker restart: that is Celery's own reconnection.)"""
    connection = app.connection_for_read()
    try:
        connection.ensure_connection(max_retries=attempts, interval_start=1, interval_step=1)
    except (kombu.exceptions.OperationalError, OSError) as error:
        raise QueueError(
            f"the broker {connection.as_uri()} cannot be reached (TAKEHOME_BROKER_URL): {error}"
        ) from None
    finally:
        connection.release()


def enqueue(app: Celery, jobs: Iterable[Job]) -> list[str]:
    """Send one message per job; their task ids. Sending a job twice is harmless."""
    ids = []
    try:
        for job in jobs:
            sent = app.send_task(GRADE_TASK, args=[job.model_dump(mode="json")])
            ids.append(str(sent.id))
    except (kombu.exceptions.OperationalError, OSError) as error:
        shown = app.connection_for_write().as_uri()
        raise QueueError(f"the broker {shown} cannot be reached: {error}") from None
    return ids
