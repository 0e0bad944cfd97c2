"""Waiting for queued jobs: an infra error ends the wait only once it has outlived its retries,
and only if it happened after the job was sent (an older failure is graded again)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from runner.queue.jobs import MAX_ATTEMPTS, Job
from runner.queue.waiting import Waiting, landed, wait
from runner.store.runs import Store, idempotency_key

SUITE, IMAGE = "f" * 64, "sha256:" + "ab" * 32
KEY = idempotency_key("ana", "/repos/ana", "abc", SUITE, IMAGE)
JOB = Job(challenge="kv-store", source="/repos/ana", alias="ana", out_dir="/tmp/out")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as opened:
        yield opened


def _fail(store: Store, times: int) -> None:
    submission = store.submission_for("kv-store", "ana", "/repos/ana", None)
    for _ in range(times):
        run_id, claimed = store.start_run(submission, KEY, "abc", SUITE, IMAGE)
        assert claimed
        store.fail_run(run_id, "the engine went away")


def test_a_job_nobody_started_is_on_its_way(store: Store) -> None:
    assert landed(store, Waiting(JOB, KEY, attempts=0)) is None


def test_an_infra_error_with_retries_left_is_still_on_its_way(store: Store) -> None:
    _fail(store, MAX_ATTEMPTS - 1)
    assert landed(store, Waiting(JOB, KEY, attempts=0)) is None


def test_an_infra_error_that_outlived_its_retries_lands_with_its_reason(store: Store) -> None:
    _fail(store, MAX_ATTEMPTS)
    results: list[object] = []
    unused = Celery("unused", broker="memory://", set_as_current=False)
    wait(unused, store, [Waiting(JOB, KEY, attempts=0)], lambda job: KEY,
         lambda job, result: results.append(result), resend_after=60, poll=0.01)  # fmt: skip
    assert results == ["the engine went away"]


def test_a_failure_from_before_the_job_was_sent_is_not_its_end(store: Store) -> None:
    _fail(store, MAX_ATTEMPTS)
    assert landed(store, Waiting(JOB, KEY, attempts=MAX_ATTEMPTS)) is None
    _fail(store, 1)  # the worker's attempt after sending: out of retries, it gives up
    assert landed(store, Waiting(JOB, KEY, attempts=MAX_ATTEMPTS)) == "the engine went away"
