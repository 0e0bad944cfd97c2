"""Where a grade's reports go: the submission's folder, unless the scorecard there holds
finished work (reviews or a decision), which a new grade never replaces.

Grading again with a typo (a wrong path, ref or roster line) must not turn a finalized
scorecard into ``repo_rejected``: the new grade becomes a run beside the kept one, in
``<id>/regrades/<when>/``, and says so; the kept scorecard stays the submission's current one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from reports.scorecard import Flag, Scorecard, ScorecardError, Status, load_scorecard

REGRADES_DIR = "regrades"
MAX_ID = 64
"""What ``challenges.roster.ALIAS_PATTERN`` allows."""
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


def _of_another_submission(directory: Path, card: Scorecard) -> bool:
    """Whether the scorecard in ``directory`` grades another repository or ref than ``card``
    (two folders both called ``solution``, two URLs ending in ``/kv.git``). Blind cards hide
    their source; their ids are random and never meet."""
    try:
        previous = load_scorecard(directory / "scorecard.json")
    except ScorecardError:
        return False
    if card.blind or previous.blind:
        return False
    mine, theirs = card.submission, previous.submission
    return (mine.source, mine.ref) != (theirs.source, theirs.ref)


def _own_id(card: Scorecard, out_dir: Path) -> Scorecard:
    """The card under ``<id>-<hash of its source>``: its own folder, the other kept."""
    info = card.submission
    digest = hashlib.sha256(f"{info.source}\0{info.ref or ''}".encode()).hexdigest()[:8]
    new_id = f"{info.id[: MAX_ID - 9].rstrip('._-')}-{digest}"
    note = Flag(kind="intake", message=(
        f"{info.id}/ holds the scorecard of another submission ({info.id} is the default id of "
        f"both); this one is graded as {new_id}"
    ))  # fmt: skip
    return card.model_copy(update={"submission": info.model_copy(update={"id": new_id}),
                                   "flags": [*card.flags, note]})  # fmt: skip


def place(
    card: Scorecard, out_dir: Path, has_finished_work: HasFinishedWork | None
) -> tuple[Scorecard, Path]:
    """The card (with a note when it was put beside kept work, or under its own id beside
    another submission's unreviewed grade) and its report directory. Reviewed or decided
    work keeps its folder whatever comes (a typo in a path is a regrade beside it)."""
    target = out_dir / card.submission.id
    if not (target / "scorecard.json").is_file():
        return card, target
    if not holds_finished_work(target, has_finished_work):
        if not _of_another_submission(target, card):
            return card, target
        card = _own_id(card, out_dir)  # an unreviewed grade of another repository: kept too
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
