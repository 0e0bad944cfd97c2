"""intake → stage → run → measure → score → report: one submission, start to finish.

A failed stage is still a result: a rejected repository or an engine that stays down ends in
a scorecard with that outcome and its reason, so a batch always finishes. Engine failures are
retried with back-off and, if they persist, recorded as infra errors that carry no score.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from challenges.load import Challenge
from challenges.roster import RESERVED_IDS, RosterEntry, check_id
from challenges.units import parse_duration
from graders.base import Outcome, Submission
from graders.hidden_suite import SuiteGrader, SuiteMeasurement, unrun_measurement
from graders.history.time_window import TimeWindow, commit_chooser
from graders.identity import identity_tokens
from graders.registry import measuring
from graders.static_scan import scan_tree
from reports.scorecard import Flag, Measurements, SubmissionInfo
from runner.errors import InfraError, RepoRejected
from runner.intake.given_files import given_note, restore_given_files
from runner.intake.take_in import Chooser, Intake, IntakeOptions, new_work_dir, take_in
from runner.placement import HasFinishedWork
from runner.recording import Gathered, Graded, record
from runner.sandbox.ahead import StartedAhead
from runner.sandbox.engine import ENGINE_ERRORS, Engine, engine_version
from runner.sandbox.handoff import linked_copy
from runner.sandbox.run_images import RunImage, graded_challenge
from runner.sandbox.warm_pool import WarmPool
from runner.source_capture import capture_source
from runner.suite_run import BackgroundRun, RunPlan

_T = TypeVar("_T")


MAX_ID_LENGTH = 64
"""What ``challenges.roster.ALIAS_PATTERN`` allows."""


@dataclass(frozen=True)
class PipelineConfig:
    intake: IntakeOptions
    work_root: Path | None = None
    """Where exported trees live while graded (default: the system temp directory)."""
    run_attempts: int = 3
    backoff: float = 1.0
    """Seconds before the first retry of an infra error; doubled each time."""
    blind: bool = False
    """Remove the candidate's identity from everything reviewers see."""
    has_finished_work: HasFinishedWork | None = None
    """Whether a scorecard already on disk was reviewed or decided in the store: a new grade
    then goes beside it (``runner.placement``)."""
    review_url: str | None = None
    """The review app's base URL, which the HTML report links its human rows to."""
    run_begins: Callable[[], None] | None = None
    """Called as the run begins, when the host has only to wait: a caller's cue for its work."""


@dataclass(frozen=True)
class GradeRequest:
    source: str
    challenge: Challenge
    ref: str | None = None
    submission_id: str | None = None
    window_start: datetime | None = None
    """When the candidate opened the invitation; None: the first commit's date."""
    deadline: datetime | None = None
    push_time: datetime | None = None
    """When our server saw the push (webhooks); commit dates alone can be forged."""
    candidate_names: tuple[str, ...] = ()
    """Names from the roster, removed in blind review along with what the repository tells."""
    pinned: bool = False
    """``ref`` is exactly the commit to grade (staff's ``--ref``, a regrade). Otherwise the
    ref is a head (a roster's branch, a pushed commit) and the time window chooses from it."""


def request_for(
    entry: RosterEntry, challenge: Challenge, ref: str | None = None,
    push_time: datetime | None = None,
) -> GradeRequest:  # fmt: skip
    """What is graded for one roster line: the one mapping of its fields onto a request, for a
    batch, a queue job and a push to the webhook (``ref``: the pushed commit instead of the
    roster's ref)."""
    return GradeRequest(
        source=entry.repo, challenge=challenge, ref=ref or entry.ref, submission_id=entry.alias,
        window_start=entry.invited_at, deadline=entry.deadline, push_time=push_time,
        candidate_names=(entry.alias,),
    )  # fmt: skip


@dataclass
class _Clock:
    timings: dict[str, float] = field(default_factory=dict)

    def timed(self, stage: str, action: Callable[[], _T]) -> _T:
        started = time.monotonic()
        try:
            return action()
        finally:
            self.timings[stage] = round(time.monotonic() - started, 4)


def submission_id(source: str) -> str:
    """A directory-safe id from the last component of a path or URL, always one ``check_id``
    accepts: an over-long name is cut and keeps a hash of the whole, so two long names that
    share a beginning stay apart; a reserved name gets a suffix."""
    name = re.split(r"[/:]", source.rstrip("/"))[-1].removesuffix(".git")
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._-") or "submission"
    if len(cleaned) > MAX_ID_LENGTH:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        cleaned = f"{cleaned[: MAX_ID_LENGTH - 9].rstrip('._-')}-{digest}"
    if cleaned.lower() in RESERVED_IDS:
        cleaned = f"{cleaned}-submission"
    return check_id(cleaned)


def chooser_for(request: GradeRequest) -> Chooser | None:
    """The time window picks the commit, the same rule for a batch, a queued job, the portal
    and a push (``graders.history.time_window``), unless the ref was pinned by hand."""
    if request.pinned:
        return None
    challenge = request.challenge
    window = TimeWindow(
        start=request.window_start,
        length_seconds=parse_duration(challenge.config.time_window),
        deadline=request.deadline,
    )
    policy = challenge.config.measure.late_policy
    return commit_chooser(window, policy, request.push_time)


def _measure(submission: Submission) -> Measurements:
    """Every measuring grader's figures; a grader that fails is ours to fix, not the
    candidate's."""
    measured = {}
    for grader in measuring():
        try:
            measured[grader.name] = grader.measure(submission)
        except Exception as error:  # a grader bug or a tool crash: retryable, never charged
            raise InfraError(f"the {grader.name} grader failed: {error}") from error
    return Measurements.model_validate(measured)


def _gather(
    request: GradeRequest,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    work: Path,
    gathered: Gathered,
    pool: WarmPool | StartedAhead | None,
) -> SuiteMeasurement:
    """Every stage up to the measured run; what it learns goes into ``gathered`` as it goes,
    so a later failure still leaves the commit, the flags and the measurements."""
    challenge, clock = request.challenge, _Clock(gathered.timings)
    intake = clock.timed(
        "intake",
        lambda: take_in(request.source, request.ref, work, config.intake, chooser_for(request)),
    )
    gathered.commit, gathered.head = intake.commit, intake.head
    gathered.flags += [Flag(kind="intake", message=text) for text in intake.flags]
    if replaced := restore_given_files(challenge, intake.tree):
        gathered.flags.append(Flag(kind="intake", message=given_note(replaced)))
    findings = clock.timed("scan", lambda: scan_tree(intake.tree, challenge.config.network))
    gathered.flags += [Flag(kind="static", message=finding.describe()) for finding in findings]
    plan = RunPlan(client, image, challenge.config.limits, config.work_root, config.run_attempts,
                   config.backoff, pool)  # fmt: skip
    try:
        handed = linked_copy(intake.tree, work / "run")
    except OSError as error:  # our disk, not the candidate's doing
        raise InfraError(f"the tree could not be prepared for the run: {error}") from None
    running = BackgroundRun(plan, handed).start()
    try:
        return _measure_meanwhile(request, config, intake, gathered, running)
    finally:
        running.wait()  # whatever happened here, the run and its container are over


def _measure_meanwhile(
    request: GradeRequest, config: PipelineConfig, intake: Intake, gathered: Gathered,
    running: BackgroundRun,
) -> SuiteMeasurement:  # fmt: skip
    """The host's measurements while the suite runs, then the run's results."""
    challenge, clock = request.challenge, _Clock(gathered.timings)
    submission = Submission(challenge, intake.tree, None, intake.git_dir, intake.commit,
                            request.window_start, request.deadline, request.push_time,
                            intake.head)  # fmt: skip
    gathered.measurements = clock.timed("measure", lambda: _measure(submission))
    if gathered.measurements.history is not None:
        gathered.flags += [Flag(kind="history", message=note)
                           for note in gathered.measurements.history.flags()]  # fmt: skip
    authors = [(c.author_name, c.author_email)
               for c in (gathered.measurements.history.commits
                         if gathered.measurements.history else [])]  # fmt: skip
    identity = identity_tokens(
        request.source, authors, intake.tree, request.candidate_names, request.ref,
        git_dir=intake.git_dir, commit=intake.commit,
    )  # fmt: skip
    if config.blind:
        gathered.identity = identity
    gathered.source = clock.timed(
        "source", lambda: capture_source(intake.tree, submission.starter, intake.commit, identity)
    )
    if config.run_begins is not None:
        config.run_begins()
    try:
        evidence = running.result()
    finally:
        gathered.flags += running.flags
        gathered.timings["run"] = running.seconds
    gathered.timings["container"] = evidence.seconds
    return clock.timed("tests", lambda: SuiteGrader().measure(replace(submission, run=evidence)))


def grade(
    request: GradeRequest,
    client: Engine,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
    pool: WarmPool | StartedAhead | None = None,
) -> Graded:
    """Grade one submission and write its reports under ``out_dir/<submission id>/``.

    The run takes a container started ahead of time: the ``pool``'s, or one started now.
    """
    request = replace(request, challenge=graded_challenge(request.challenge, image))
    challenge = request.challenge
    sub_id = request.submission_id or submission_id(request.source)
    gathered = Gathered(identity=[] if config.blind else None)
    work = new_work_dir(config.work_root)
    limits = challenge.config.limits
    ahead = StartedAhead(client, image, limits, config.work_root) if pool is None else None
    engine = _engine_version(client)  # asked while the container boots, not once it is done
    try:
        tests = _gather(request, client, image, config, work, gathered, pool or ahead)
    except RepoRejected as error:
        tests = unrun_measurement(challenge, Outcome.REPO_REJECTED, str(error))
    except InfraError as error:
        reason = f"{error} (after {config.run_attempts} attempts; not the candidate's fault)"
        tests = unrun_measurement(challenge, Outcome.INFRA_ERROR, reason)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if ahead is not None:
            ahead.close()
    info = SubmissionInfo(id=sub_id, source=request.source, ref=request.ref, commit=gathered.commit)
    return record(challenge, info, image, tests, gathered, engine, out_dir,
                  config.has_finished_work, config.review_url)  # fmt: skip


def record_infra_error(
    request: GradeRequest, image: RunImage, out_dir: Path, reason: str, blind: bool = False,
    has_finished_work: HasFinishedWork | None = None,
) -> Graded:  # fmt: skip
    """The record of a submission that could not be graded at all: no score, the reason."""
    request = replace(request, challenge=graded_challenge(request.challenge, image))
    sub_id = request.submission_id or submission_id(request.source)
    info = SubmissionInfo(id=sub_id, source=request.source, ref=request.ref, commit="unknown")
    measurement = unrun_measurement(request.challenge, Outcome.INFRA_ERROR, reason)
    names = identity_tokens(request.source, [], None, request.candidate_names, request.ref)
    gathered = Gathered(identity=names if blind else None)
    return record(request.challenge, info, image, measurement, gathered, "unknown", out_dir,
                  has_finished_work)  # fmt: skip


def _engine_version(client: Engine) -> str:
    try:
        return engine_version(client)
    except ENGINE_ERRORS:
        return "unreachable"
