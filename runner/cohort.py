"""A cohort from its roster: what still needs grading, then grading it in parallel slots.

Grading is idempotent on (submission, head commit, hidden-suite hash, image): a batch that
was interrupted, or run again after a few candidates pushed, grades only what is missing or
changed. Infra errors are never kept as results: they are graded again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from challenges.load import Challenge
from challenges.roster import RosterEntry
from graders.base import Outcome
from reports.scorecard import Scorecard, ScorecardError, load_scorecard
from runner.batch import grade_batch
from runner.intake.take_in import new_work_dir, peek_head
from runner.pipeline import GradeRequest, PipelineConfig, request_for
from runner.recording import Graded, find_blind
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage


@dataclass(frozen=True)
class CohortPlan:
    to_grade: list[GradeRequest]
    kept: list[Scorecard]
    """Scorecards already up to date, by the idempotency key."""


def _up_to_date(card: Scorecard, entry: RosterEntry, challenge: Challenge, image: RunImage,
                head: str | None) -> bool:  # fmt: skip
    """Reusable by what makes the idempotency key (``runner.queue.claim.request_key``): the
    submission, its head, the suite and the image by its content tag, never by its engine id
    (another engine builds the same image under another id). A blind card's source and ref
    were matched through the staff-only identity file (its own say ``[candidate]``)."""
    recorded = card.provenance
    return (
        card.outcome is not Outcome.INFRA_ERROR
        and (card.blind or (card.submission.source, card.submission.ref) == (entry.repo, entry.ref))
        and recorded.suite_hash == challenge.suite_hash
        and recorded.image_tag == image.tag
        and head is not None
        and recorded.head == head
    )


def _load(path: Path | None) -> Scorecard | None:
    if path is None or not path.is_file():
        return None
    try:
        return load_scorecard(path)
    except ScorecardError:
        return None  # unreadable: grade again


def _earlier(entry: RosterEntry, blind: bool, out_dir: Path) -> Scorecard | None:
    """The earlier scorecard of this entry, only if it is as blind as the batch: a named card
    kept in a blind batch would show reviewers who the candidate is."""
    if blind:
        card = _load(find_blind(out_dir, entry.alias, entry.repo, entry.ref))
    else:
        card = _load(out_dir / entry.alias / "scorecard.json")
    return card if card is not None and card.blind == blind else None


def plan_cohort(
    entries: list[RosterEntry], challenge: Challenge, image: RunImage, config: PipelineConfig,
    out_dir: Path,
) -> CohortPlan:  # fmt: skip
    """Split the roster into what must be graded and the scorecards that are still valid."""
    to_grade, kept = [], []
    for entry in entries:
        card = _earlier(entry, config.blind, out_dir)
        if card is not None:
            work = new_work_dir(config.work_root)
            try:
                head = peek_head(entry.repo, entry.ref, work, config.intake)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            if _up_to_date(card, entry, challenge, image, head):
                kept.append(card)
                continue
        to_grade.append(request_for(entry, challenge))
    return CohortPlan(to_grade=to_grade, kept=kept)


def grade_cohort(
    plan: CohortPlan, client: Engine, image: RunImage, config: PipelineConfig,
    out_dir: Path, slots: int, on_graded: Callable[[Graded], None] | None = None,
) -> list[Scorecard]:  # fmt: skip
    """Grade the plan; every roster entry ends with a scorecard (kept ones included)."""
    graded = grade_batch(plan.to_grade, client, image, config, out_dir, slots, on_graded)
    return [*plan.kept, *(g.scorecard for g in graded)]
