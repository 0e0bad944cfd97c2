"""Turning what the pipeline gathered into the scorecard on disk: score, stamp, blind, write.

The renderer (``reports.render.pages``, jinja2) is imported when a grade is written, not with
the pipeline: a one-shot grade hands its submission over before then, and the templates are
prepared while the suite runs (``takehome.meanwhile``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from challenges.load import Challenge
from graders.hidden_suite import SuiteMeasurement
from reports.blind import blind_id, identity_told, redact, redact_source
from reports.scorecard import Flag, Measurements, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from reports.source import SOURCE_FILE_NAME, SourceSnapshot
from runner.placement import HasFinishedWork, place
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
    source: SourceSnapshot | None = None
    """The candidate's files as graded, for reviewers; None when intake failed."""


@dataclass(frozen=True)
class Graded:
    scorecard: Scorecard
    reports: dict[str, Path]
    source: SourceSnapshot | None = None
    """As written beside the scorecard (redacted when the scorecard is blind)."""


def _provenance(challenge: Challenge, image: RunImage, tests: SuiteMeasurement,
                gathered: Gathered, engine: str) -> Provenance:  # fmt: skip
    tool_versions = {**host_tool_versions(), "engine": engine}
    if tests.pytest_version:
        tool_versions["pytest"] = tests.pytest_version
    if tests.python_version:
        tool_versions["python"] = tests.python_version
    return Provenance(
        commit=gathered.commit, image_id=image.id, image_tag=image.tag,
        suite_hash=challenge.suite_hash,
        rubric_version=challenge.rubric.version, challenge_version=challenge.config.version,
        tool_versions=tool_versions, timings=gathered.timings,
        graded_at=datetime.now(UTC).replace(microsecond=0),
        head=gathered.head,
    )  # fmt: skip


def record(
    challenge: Challenge, info: SubmissionInfo, image: RunImage, tests: SuiteMeasurement,
    gathered: Gathered, engine: str, out_dir: Path,
    has_finished_work: HasFinishedWork | None = None, review_url: str | None = None,
) -> Graded:  # fmt: skip
    """Score, stamp provenance, blind if asked, and write the reports whole: in the
    submission's folder, or beside it when the scorecard there holds finished work; the HTML
    report links to the review app at ``review_url`` when there is one."""
    provenance = _provenance(challenge, image, tests, gathered, engine)
    card = build_scorecard(challenge, info, tests, provenance, gathered.flags,
                           gathered.measurements)  # fmt: skip
    source = gathered.source
    if gathered.identity is not None:
        card = _blind(card, info, gathered, out_dir)
        source = None if source is None else redact_source(source, _tokens(info, gathered))
    card, directory = place(card, out_dir, has_finished_work)
    from reports.render.pages import write_reports

    reports = write_reports(card, directory, review_url if card.outcome.scored else None)
    _write_source(source, directory)
    return Graded(scorecard=card, reports=reports, source=source)


def _write_source(source: SourceSnapshot | None, directory: Path) -> None:
    """``source.json`` beside the scorecard; without a snapshot (intake failed) none, not even
    an earlier grade's, which would show reviewers files this scorecard never measured."""
    from reports.render.pages import write_text_atomically

    path = directory / SOURCE_FILE_NAME
    if source is None:
        path.unlink(missing_ok=True)
    else:
        write_text_atomically(path, source.model_dump_json() + "\n")


def _tokens(info: SubmissionInfo, gathered: Gathered) -> list[str]:
    """What the pipeline gathered, plus what any scorecard tells whatever stage failed."""
    return identity_told(info, gathered.measurements.history, gathered.identity or [])


def _blind(card: Scorecard, info: SubmissionInfo, gathered: Gathered, out_dir: Path) -> Scorecard:
    """Redact under a fresh blind id, and note for staff only who that id stands for."""
    from reports.render.pages import write_text_atomically

    directory = out_dir / IDENTITIES_DIR
    directory.mkdir(parents=True, exist_ok=True)
    while True:  # ids are random: never reuse one already given in this output directory
        new_id = blind_id()
        if not (directory / f"{new_id}.json").exists() and not (out_dir / new_id).exists():
            break
    card = redact(card, _tokens(info, gathered), new_id)
    identity = {"id": new_id, "submission_id": info.id, "source": info.source, "ref": info.ref,
                "commit": info.commit, "recorded_at": datetime.now(UTC).isoformat()}  # fmt: skip
    write_text_atomically(directory / f"{new_id}.json", json.dumps(identity) + "\n")
    return card


def find_blind(out_dir: Path, submission_id: str, source: str, ref: str | None) -> Path | None:
    """The newest blind scorecard written for this submission id, source and ref, if any
    (found through the identity files: the card's own directory name says nothing)."""
    found: list[tuple[str, Path]] = []
    for path in sorted((out_dir / IDENTITIES_DIR).glob("*.json")):
        try:
            identity = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(identity, dict) or (
            identity.get("submission_id"),
            identity.get("source"),
            identity.get("ref"),
        ) != (submission_id, source, ref):
            continue
        card = out_dir / str(identity.get("id")) / "scorecard.json"
        if card.is_file():
            found.append((str(identity.get("recorded_at", "")), card))
    return max(found)[1] if found else None
