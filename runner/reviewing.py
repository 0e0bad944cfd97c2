"""Reviews and decisions of a scorecard file, kept in the store.

The store is the one place reviews live, whichever way the submission was graded (a queue
worker, the web server, ``takehome grade``): a report directory's scorecard is recorded in the
store the first time someone reviews it. Finalizing lands whole: the reports are rendered and
written beside their names first, the decision is stored, and only then are the files put in
place, so a render failure or a refused decision leaves everything as it was.
"""

from __future__ import annotations

from pathlib import Path

from reports.render.pages import StagedReports
from reports.review import ReviewError, check_open, merge_reviews
from reports.scorecard import Recommendation, Review, Scorecard, load_scorecard
from reports.source import SOURCE_FILE_NAME, SourceError, load_source
from runner.store.runs import Store, StoreError


def submit_review(store: Store, scorecard_path: Path, review: Review, amend: bool = False) -> int:
    """Store one reviewer's ratings of the scorecard; a second review by the same reviewer is
    refused unless it ``amend``s the first. The scorecard's id in the store."""
    card = load_scorecard(scorecard_path)
    check_open(card, str(scorecard_path))
    scorecard_id = store.record_scorecard(card)
    _record_source(store, scorecard_id, scorecard_path.parent / SOURCE_FILE_NAME)
    try:
        store.add_review(scorecard_id, review, amend)
    except StoreError as error:
        raise ReviewError(f"{scorecard_path}: {error}") from None
    return scorecard_id


def _record_source(store: Store, scorecard_id: int, path: Path) -> None:
    """The graded source beside a report's scorecard, for the review app's code view; a
    missing or unreadable one costs that view only (it says so), never the review."""
    if path.is_file():
        try:
            store.record_source(scorecard_id, load_source(path).model_dump_json())
        except SourceError:
            return


def reviews_of(store: Store, scorecard_path: Path) -> list[Review]:
    return store.reviews_of(store.record_scorecard(load_scorecard(scorecard_path)))


def finalize(
    store: Store, scorecard_path: Path, recommendation: Recommendation, reason: str,
    decided_by: str,
) -> Scorecard:  # fmt: skip
    """Merge the stored reviews, record the decision and re-render, all together or nothing."""
    card = load_scorecard(scorecard_path)
    where = str(scorecard_path)
    check_open(card, where)
    scorecard_id = store.record_scorecard(card)
    final = merge_reviews(card, store.reviews_of(scorecard_id), recommendation, reason,
                          decided_by, where)  # fmt: skip
    staged = StagedReports(final, scorecard_path.parent)
    try:
        store.record_decision(scorecard_id, final)
    except BaseException as error:
        staged.discard()
        if isinstance(error, StoreError):
            raise ReviewError(f"{scorecard_path}: {error}") from None
        raise
    staged.commit()
    store.audit(decided_by.strip(), "finalize", f"scorecard {scorecard_id}",
                {"recommendation": recommendation.value, "path": str(scorecard_path)})  # fmt: skip
    return final
