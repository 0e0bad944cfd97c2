"""Turning what the pipeline gathered into the scorecard on disk: score, stamp, blind, write."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from challenges.load import Challenge
from graders.hidden_suite import SuiteMeasurement
from reports.blind import redact
from reports.render.pages import write_reports, write_text_atomically
from reports.scorecard import Flag, Measurements, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from runner.provenance import host_tool_versions
from runner.sandbox.run_images import RunImage

IDENTITIES_DIR = ".identities"
"""Beside the reports, for staff only: who a blind submission id stands for."""


@dataclass
class Gathered:
    """Everything one submission's grading produced, whatever stage it reached."""

    commit: str = "unknown"
    head: str | None = None
    flags: list[Flag] = field(default_factory=list)
    measurements: Measurements = field(default_factory=Measurements)
    identity: list[str] | None = None
    """Strings to remove for blind review; None when the review is not blind."""
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Graded:
    scorecard: Scorecard
    reports: dict[str, Path]


def _provenance(challenge: Challenge, image: RunImage, tests: SuiteMeasurement,
                gathered: Gathered, engine: str) -> Provenance:  # fmt: skip
    tool_versions = {**host_tool_versions(), "engine": engine}
    if tests.pytest_version:
        tool_versions["pytest"] = tests.pytest_version
    if tests.python_version:
        tool_versions["python"] = tests.python_version
    return Provenance(
        commit=gathered.commit, image_id=image.id, suite_hash=challenge.suite_hash,
        rubric_version=challenge.rubric.version, challenge_version=challenge.config.version,
        tool_versions=tool_versions, timings=gathered.timings,
        graded_at=datetime.now(UTC).replace(microsecond=0),
        head=gathered.head,
    )  # fmt: skip


def record(
    challenge: Challenge, info: SubmissionInfo, image: RunImage, tests: SuiteMeasurement,
    gathered: Gathered, engine: str, out_dir: Path,
) -> Graded:  # fmt: skip
    """Score, stamp provenance, blind if asked, and write the reports whole."""
    provenance = _provenance(challenge, image, tests, gathered, engine)
    card = build_scorecard(challenge, info, tests, provenance, gathered.flags,
                           gathered.measurements)  # fmt: skip
    if gathered.identity is not None:
        card = redact(card, gathered.identity)
        identity = {"id": card.submission.id, "source": info.source, "ref": info.ref,
                    "commit": info.commit}  # fmt: skip
        directory = out_dir / IDENTITIES_DIR
        directory.mkdir(parents=True, exist_ok=True)
        write_text_atomically(directory / f"{card.submission.id}.json", json.dumps(identity) + "\n")
    return Graded(scorecard=card, reports=write_reports(card, out_dir / card.submission.id))
