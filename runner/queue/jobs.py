"""The jobs of the grading queue: what a message carries and the key it is graded under.
No Celery here: the worker, the batch that waits and the
tests share these.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from challenges.load import Challenge
from challenges.roster import ALIAS_PATTERN, RosterEntry, SubmissionId
from runner.intake.take_in import IntakeOptions
from runner.pipeline import GradeRequest, request_for
from runner.queue.claim import request_key
from runner.sandbox.run_images import RunImage

MAX_ATTEMPTS = 3
"""Claims of a run after which an infra error is final (until the job is sent again)."""


class Job(BaseModel):
    """One submission to grade, as it travels through the broker (JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    challenge: str
    """Bundled challenge slug, or an absolute challenge directory on the workers."""
    source: str
    ref: str | None = None
    alias: SubmissionId = Field(pattern=ALIAS_PATTERN)
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

    def entry(self) -> RosterEntry:
        """The roster line this job grades, as the workers see it."""
        return RosterEntry(alias=self.alias, repo=self.source, ref=self.ref,
                           invited_at=self.window_start, deadline=self.deadline)  # fmt: skip

    def request(self, challenge: Challenge) -> GradeRequest:
        return request_for(self.entry(), challenge, push_time=self.push_time)


def job_key(job: Job, challenge: Challenge, image: RunImage, intake: IntakeOptions,
            work_root: Path | None = None) -> tuple[str, str | None]:  # fmt: skip
    """The job's idempotency key and the head it was computed from: the request's."""
    return request_key(job.request(challenge), image, intake, work_root)
