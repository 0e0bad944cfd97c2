"""intake → stage → run → measure → score → report: one submission, start to finish.

A failed stage is still a result: a rejected repository or an engine that stays down ends in
a scorecard with that outcome and its reason, so a batch always finishes. Engine failures are
retried with back-off and, if they persist, recorded as infra errors that carry no score.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import docker

from challenges.load import Challenge
from graders.base import Outcome, RunEvidence, Submission
from graders.static_scan import scan_tree
from graders.tests import TestsGrader, TestsMeasurement
from reports.render import write_reports
from reports.scorecard import Flag, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard, unrun_measurement
from runner.engine import ENGINE_ERRORS, engine_version
from runner.errors import InfraError, RepoRejected
from runner.images import LABEL, RunImage
from runner.intake import Intake, IntakeOptions, new_work_dir, take_in
from runner.provenance import host_tool_versions
from runner.reaper import reap_quietly
from runner.sandbox import run_suite

_T = TypeVar("_T")


@dataclass(frozen=True)
class PipelineConfig:
    intake: IntakeOptions
    work_root: Path | None = None
    """Where exported trees live while graded (default: the system temp directory)."""
    run_attempts: int = 3
    backoff: float = 1.0
    """Seconds before the first retry of an infra error; doubled each time."""


@dataclass(frozen=True)
class GradeRequest:
    source: str
    challenge: Challenge
    ref: str | None = None
    submission_id: str | None = None


@dataclass(frozen=True)
class Graded:
    scorecard: Scorecard
    reports: dict[str, Path]


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
    """A directory-safe id from the last component of a path or URL."""
    name = re.split(r"[/:]", source.rstrip("/"))[-1].removesuffix(".git")
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or "submission"


def _run_with_retries(
    client: docker.DockerClient,
    image: RunImage,
    intake: Intake,
    challenge: Challenge,
    config: PipelineConfig,
    sub_id: str,
    flags: list[Flag],
) -> RunEvidence:
    """Run the suite, retrying engine failures with back-off; each retry leaves a flag."""
    labels = {f"{LABEL}.submission": sub_id}
    delay = config.backoff
    for attempt in range(1, config.run_attempts + 1):
        try:
            return run_suite(client, image, intake.tree, challenge.config.limits, labels)
        except InfraError as error:
            if attempt == config.run_attempts:
                raise
            flags.append(Flag(kind="infra", message=f"attempt {attempt} failed, retried: {error}"))
            time.sleep(delay)
            reap_quietly(client)  # a container whose removal failed with the engine
            delay *= 2
    raise AssertionError("unreachable")


def grade(
    request: GradeRequest,
    client: docker.DockerClient,
    image: RunImage,
    config: PipelineConfig,
    out_dir: Path,
) -> Graded:
    """Grade one submission and write its reports under ``out_dir/<submission id>/``."""
    challenge = request.challenge
    sub_id = request.submission_id or submission_id(request.source)
    clock = _Clock()
    work = new_work_dir(config.work_root)
    commit = "unknown"
    flags: list[Flag] = []
    evidence: RunEvidence | None = None
    try:
        try:
            intake = clock.timed(
                "intake", lambda: take_in(request.source, request.ref, work, config.intake)
            )
            commit = intake.commit
            flags += [Flag(kind="intake", message=text) for text in intake.flags]
            findings = clock.timed("scan", lambda: scan_tree(intake.tree, challenge.config.network))
            flags += [Flag(kind="static", message=finding.describe()) for finding in findings]
            evidence = clock.timed(
                "run",
                lambda: _run_with_retries(client, image, intake, challenge, config, sub_id, flags),
            )
            measurement: TestsMeasurement = clock.timed(
                "measure",
                lambda: TestsGrader().measure(Submission(challenge, intake.tree, evidence)),
            )
        except RepoRejected as error:
            measurement = unrun_measurement(challenge, Outcome.REPO_REJECTED, str(error))
        except InfraError as error:
            measurement = unrun_measurement(
                challenge,
                Outcome.INFRA_ERROR,
                f"{error} (after {config.run_attempts} attempts; not the candidate's fault)",
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if evidence is not None:
        clock.timings["container"] = evidence.seconds
    return record(request, sub_id, image, measurement, commit, flags, clock.timings,
                  _engine_version(client), out_dir)  # fmt: skip


def _engine_version(client: docker.DockerClient) -> str:
    try:
        return engine_version(client)
    except ENGINE_ERRORS:
        return "unreachable"


def record(
    request: GradeRequest,
    sub_id: str,
    image: RunImage,
    measurement: TestsMeasurement,
    commit: str,
    flags: list[Flag],
    timings: dict[str, float],
    engine: str,
    out_dir: Path,
) -> Graded:
    """Score a measurement, stamp its provenance and write the reports."""
    challenge = request.challenge
    tool_versions = {**host_tool_versions(), "engine": engine}
    if measurement.pytest_version:
        tool_versions["pytest"] = measurement.pytest_version
    if measurement.python_version:
        tool_versions["python"] = measurement.python_version
    provenance = Provenance(
        commit=commit, image_id=image.id, suite_hash=challenge.suite_hash,
        rubric_version=challenge.rubric.version, challenge_version=challenge.config.version,
        tool_versions=tool_versions, timings=timings,
        graded_at=datetime.now(UTC).replace(microsecond=0),
    )  # fmt: skip
    info = SubmissionInfo(id=sub_id, source=request.source, ref=request.ref, commit=commit)
    scorecard = build_scorecard(challenge, info, measurement, provenance, flags)
    return Graded(scorecard=scorecard, reports=write_reports(scorecard, out_dir / sub_id))
