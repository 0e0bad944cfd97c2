"""The jobs of the grading queue: what a message carries, the key it is graded under, and
where its run stands in the store. No Celery here: the worker, the batch that waits and the
tests share these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import sessionmaker

from challenges.load import Challenge
from challenges.roster import ALIAS_PATTERN, RosterEntry
from runner.claim import request_key
from runner.images import RunImage
from runner.intake import IntakeOptions
from runner.pipeline import GradeRequest
from runner.store import Store, StoreError
from runner.store_models import READ_ONLY, RunRow, RunStatus, one_line

MAX_ATTEMPTS = 3
"""Claims of a run after which an infra error is final (until the job is sent again)."""


class Job(BaseModel):
    """One submission to grade, as it travels through the broker (JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    challenge: str
    """Bundled challenge slug, or an absolute challenge directory on the workers."""
    source: str
    ref: str | None = None
    alias: str = Field(pattern=ALIAS_PATTERN)
    """The submission id, hence a directory name under ``out_dir``: no path may hide in it."""
    out_dir: str
    """Where the worker writes the reports (OUT/<alias>/): a directory the workers share."""
    window_start: AwareDatetime | None = None
    deadline: AwareDatetime | None = None
    push_time: AwareDatetime | None = None
    blind: bool | None = None

    @classmethod
    def for_entry(cls, entry: RosterEntry, challenge: str, out_dir: Path,
                  blind: bool | None) -> Job:  # fmt: skip
        """A roster entry's job; local paths made absolute, since workers have another cwd."""
        local = Path(entry.repo).expanduser()
        source = str(local.resolve()) if local.exists() else entry.repo
        return cls(challenge=challenge, source=source, ref=entry.ref, alias=entry.alias,
                   out_dir=str(out_dir.resolve()), window_start=entry.invited_at,
                   deadline=entry.deadline, blind=blind)  # fmt: skip

    def request(self, challenge: Challenge) -> GradeRequest:
        """What the pipeline grades (as ``runner.cohort.request_for`` for a roster entry)."""
        return GradeRequest(
            source=self.source, challenge=challenge, ref=self.ref, submission_id=self.alias,
            window_start=self.window_start, deadline=self.deadline, push_time=self.push_time,
            candidate_names=(self.alias,),
        )  # fmt: skip


def job_key(job: Job, challenge: Challenge, image: RunImage, intake: IntakeOptions,
            work_root: Path | None = None) -> tuple[str, str | None]:  # fmt: skip
    """The job's idempotency key and the head it was computed from: the request's."""
    return request_key(job.request(challenge), image, intake, work_root)


@dataclass(frozen=True)
class RunState:
    status: RunStatus
    attempts: int
    """Claims so far: the first grading, redeliveries after a lost worker, infra retries."""
    reason: str | None
    """Why the last attempt failed, for a failed run."""


def run_state(store: Store, key: str) -> RunState | None:
    """Where the run of ``key`` stands (None: never started), read in a read-only
    transaction: how a worker counts attempts and a waiting batch tells a run still in a
    worker's hands from one that failed for good."""
    reads = sessionmaker(store.engine.execution_options(**{READ_ONLY: True}))
    try:
        with reads.begin() as session:
            run = session.scalar(select(RunRow).where(RunRow.idempotency_key == key))
            if run is None:
                return None
            return RunState(RunStatus(run.status), run.attempts, run.reason)
    except (OperationalError, InterfaceError) as error:
        raise StoreError(one_line(error)) from None
