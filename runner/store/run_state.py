"""Where one run stands, read without taking it: how a queue worker counts attempts and a
waiting batch tells a run still in a worker's hands from one that failed for good."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from runner.store.database import one_line
from runner.store.models import READ_ONLY, RunRow, RunStatus
from runner.store.runs import Store, StoreError


@dataclass(frozen=True)
class RunState:
    status: RunStatus
    attempts: int
    """Claims so far: the first grading, redeliveries after a lost worker, infra retries."""
    reason: str | None
    """Why the last attempt failed, for a failed run."""


def run_state(store: Store, key: str) -> RunState | None:
    """Where the run of ``key`` stands (None: never started), read in a read-only
    transaction."""
    reads = sessionmaker(store.engine.execution_options(**{READ_ONLY: True}))
    try:
        with reads.begin() as session:
            run = session.scalar(select(RunRow).where(RunRow.idempotency_key == key))
            if run is None:
                return None
            return RunState(RunStatus(run.status), run.attempts, run.reason)
    except (OperationalError, InterfaceError) as error:
        raise StoreError(one_line(error)) from None
