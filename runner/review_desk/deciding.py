"""A manager's decision on a submission: every rating side by side, the disagreements shown
before anything is decided, the merged scorecard, the recommendation with its reason; and
reopening a decided card. Both land in the audit log with who and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.reopening import reopened
from reports.review import DISAGREEMENT_LEVELS, ReviewError, merge_reviews
from reports.scorecard import HumanRow, Rating, Recommendation, Review, Scorecard
from runner.review_desk.blinding import label, shown_card
from runner.review_desk.review_page import DeskError, check_number, load_source
from runner.review_desk.similar import SimilarWork, similar_work
from runner.store.accounts import Reviewer
from runner.store.models import StoreError
from runner.store.runs import Store


@dataclass(frozen=True)
class RowRatings:
    row: HumanRow
    ratings: list[tuple[str, Rating | None]]
    """Each reviewer's rating of the row, in the order of ``DecisionPage.reviewers``."""

    @property
    def spread(self) -> int:
        levels = [r.level for _, r in self.ratings if r is not None and r.level is not None]
        return max(levels) - min(levels) if levels else 0

    @property
    def disagreement(self) -> bool:
        return self.spread >= DISAGREEMENT_LEVELS


@dataclass(frozen=True)
class DecisionPage:
    submission_id: int
    label: str
    scorecard_id: int
    card: Scorecard
    reviewers: list[str]
    rows: list[RowRatings]
    waiting_for: list[str]
    merged: Scorecard | None
    """The scorecard the reviews merge into (median levels), before any decision."""
    merge_problem: str | None
    seconds: dict[str, float]
    similar: SimilarWork

    @property
    def disagreements(self) -> list[RowRatings]:
        return [row for row in self.rows if row.disagreement]


def _manager(who: Reviewer) -> None:
    if not who.is_manager:
        raise DeskError("only a manager decides or reopens", status=403)


def _latest(store: Store, submission_id: int) -> tuple[int, Scorecard]:
    check_number(submission_id)
    found = store.latest_card(submission_id)
    if found is None:
        raise DeskError(f"{label(submission_id)} has no grade", status=404)
    return found


def decision_page(store: Store, who: Reviewer, submission_id: int, blind: bool) -> DecisionPage:
    _manager(who)
    scorecard_id, raw = _latest(store, submission_id)
    reviews: list[Review] = store.reviews_of(scorecard_id)
    names = [review.reviewer for review in reviews]
    rows = [
        RowRatings(row, [(r.reviewer, next((x for x in r.ratings if x.row == row.id), None))
                         for r in reviews])
        for row in raw.criteria if isinstance(row, HumanRow)
    ]  # fmt: skip
    merged, problem = None, None
    if raw.decision is None and reviews and raw.outcome.scored:
        try:
            merged = merge_reviews(raw, reviews, Recommendation.YES, "preview", who.name,
                                   label(submission_id))  # fmt: skip
        except ReviewError as error:
            problem = str(error)
    source = load_source(store, scorecard_id)
    shown = shown_card(raw, submission_id, source, blind)
    return DecisionPage(
        submission_id=submission_id, label=label(submission_id), scorecard_id=scorecard_id,
        card=shown, reviewers=names, rows=rows,
        waiting_for=[name for name in store.assignees(submission_id) if name not in names],
        merged=None if merged is None else shown_card(merged, submission_id, source, blind),
        merge_problem=problem, seconds=store.review_seconds(scorecard_id),
        similar=similar_work(store, who, submission_id, raw),
    )  # fmt: skip


def decide(store: Store, who: Reviewer, submission_id: int, recommendation: str,
           reason: str) -> Scorecard:  # fmt: skip
    _manager(who)
    try:
        chosen = Recommendation(recommendation)
    except ValueError:
        raise DeskError(f"recommendation: {recommendation[:40]!r} is not one of "
                        f"{', '.join(r.value for r in Recommendation)}") from None  # fmt: skip
    scorecard_id, raw = _latest(store, submission_id)
    where = label(submission_id)
    try:
        final = merge_reviews(raw, store.reviews_of(scorecard_id), chosen, reason, who.name,
                              where)  # fmt: skip
        store.record_decision(scorecard_id, final)
    except (ReviewError, StoreError) as error:
        raise DeskError(str(error).replace("--reason: ", "")) from None
    store.audit(who.name, "decide", f"scorecard {scorecard_id}",
                {"recommendation": chosen.value, "reason": reason.strip()})  # fmt: skip
    return final


def reopen(store: Store, who: Reviewer, submission_id: int, reason: str) -> None:
    _manager(who)
    if not reason.strip():
        raise DeskError("a reason for reopening is required")
    scorecard_id, raw = _latest(store, submission_id)
    try:
        store.reopen(scorecard_id, reopened(raw), who.name, reason.strip())
    except StoreError as error:
        raise DeskError(str(error)) from None
