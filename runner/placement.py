"""Where a grade's reports go: the submission's folder, unless the scorecard there holds
finished work (reviews or a decision), which a new grade never replaces.

Grading again with a typo (a wrong path, ref or roster line) must not turn a finalized
scorecard into ``repo_rejected``: the new grade becomes a run beside the kept one, in
``<id>/regrades/<when>/``, and says so; the kept scorecard stays the submission's current one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reports.scorecard import Flag, Scorecard, ScorecardError, Status, load_scorecard

REGRADES_DIR = "regrades"
HasFinishedWork = Callable[[Scorecard], bool]
"""Whether a scorecard on disk has reviews or a decision in the store."""


def holds_finished_work(directory: Path, has_finished_work: HasFinishedWork | None) -> bool:
    """Whether the scorecard in ``directory`` is complete, or reviewed or decided in the store.
    An unreadable or missing scorecard holds nothing to keep."""
    try:
        previous = load_scorecard(directory / "scorecard.json")
    except ScorecardError:
        return False
    if previous.status is Status.COMPLETE or previous.reviews or previous.decision:
        return True
    return has_finished_work is not None and has_finished_work(previous)


def place(
    card: Scorecard, out_dir: Path, has_finished_work: HasFinishedWork | None
) -> tuple[Scorecard, Path]:
    """The card (with a note when it was put beside kept work) and its report directory."""
    target = out_dir / card.submission.id
    if not (target / "scorecard.json").is_file():
        return card, target
    if not holds_finished_work(target, has_finished_work):
        return card, target
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    beside = target / REGRADES_DIR / stamp
    note = Flag(kind="intake", message=(
        f"{card.submission.id}/scorecard.json holds reviews or a decision and was kept as the "
        f"current scorecard; this newer grade is in {card.submission.id}/{REGRADES_DIR}/{stamp}/"
    ))  # fmt: skip
    return card.model_copy(update={"flags": [*card.flags, note]}), beside
