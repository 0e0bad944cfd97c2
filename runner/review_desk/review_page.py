"""One reviewer's review of one submission: what the page shows, and every change to it.

The rules the page enforces, wherever the request comes from (the page's script, a plain
form without script, a hand-made request):
- only an assigned reviewer (or a manager) opens a submission;
- nobody else's ratings are shown before one's own review of this grade is submitted;
- every save names the draft version it edits (``runner.store.drafts``);
- a review is of a commit and a suite: after a regrade of another commit it is stale, not
  merged, and cannot be submitted again until the reviewer moves it to the new grade.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from challenges.base_error import TakehomeError
from challenges.rubric import MAX_LEVEL
from reports.review import RatingInput, ReviewError, build_review
from reports.scorecard import CaseEntry, HumanRow, Review, Scorecard
from reports.source import SourceSnapshot
from runner.review_desk.blinding import CodeCache, label, shown_card
from runner.review_desk.similar import SimilarWork, similar_work
from runner.store.accounts import Reviewer
from runner.store.drafts import Draft
from runner.store.runs import Store

JUSTIFICATION_CAP = 20_000


class DeskError(TakehomeError):
    """A request the review app refuses, with the reason shown to the reviewer."""

    def __init__(self, message: str, status: int = 400, version: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.version = version
        """The draft's version when the change was saved although refused (submit)."""


class DraftRating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int | None = Field(default=None, description="Level 1-4, for rows with levels.")
    items: list[str] | None = Field(default=None, description="Checklist item ids earned.")
    justification: str = Field(default="", max_length=JUSTIFICATION_CAP)


class DraftRatings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: dict[str, DraftRating] = Field(default_factory=dict)


@dataclass(frozen=True)
class ReviewPage:
    submission_id: int
    label: str
    scorecard_id: int
    card: Scorecard
    code: Markup | None
    draft: Draft
    ratings: DraftRatings
    stale: str | None
    submitted: bool
    others: list[Review]
    decided: bool
    similar: SimilarWork

    @property
    def human_rows(self) -> list[HumanRow]:
        return [row for row in self.card.criteria if isinstance(row, HumanRow)]

    @property
    def failing(self) -> list[CaseEntry]:
        return [case for case in self.card.tests.results if case.status != "passed"]


def check_number(submission_id: int) -> None:
    """A submission number a database can hold (a 30-digit one in a URL is simply unknown)."""
    if not 0 < submission_id < 2**62:
        raise DeskError(f"{label(submission_id)[:40]} does not exist", status=404)


def _latest(store: Store, who: Reviewer, submission_id: int) -> tuple[int, Scorecard]:
    check_number(submission_id)
    if not who.is_manager and not store.is_assigned(submission_id, who.id):
        raise DeskError(f"{label(submission_id)} is not assigned to you", status=404)
    found = store.latest_card(submission_id)
    if found is None:
        raise DeskError(f"{label(submission_id)} has no grade", status=404)
    if not found[1].outcome.scored:
        raise DeskError(f"{label(submission_id)}: a {found[1].outcome.value} grade has nothing "
                        "to review; it must be graded again")  # fmt: skip
    return found


def load_source(store: Store, scorecard_id: int) -> SourceSnapshot | None:
    data = store.source_of(scorecard_id)
    if data is None:
        return None
    try:
        return SourceSnapshot.model_validate_json(data)
    except ValidationError:
        return None  # shown as "not recorded": a bad row must not close the review


def stale_note(store: Store, draft: Draft, latest_id: int, latest: Scorecard) -> str | None:
    """Why the draft no longer rates the submission's grade, if it does not."""
    if draft.scorecard_id == latest_id:
        return None
    rated = store.graded_commit(draft.scorecard_id)
    now = (latest.provenance.commit, latest.provenance.suite_hash)
    if rated == now:
        return None
    what = "commit" if rated is None or rated[0] != now[0] else "hidden suite"
    old = "?" if rated is None else rated[0][:12]
    return (f"Your review rates commit {old}; the submission was graded again since "
            f"(another {what}: {now[0][:12]}). It is not counted until you confirm it for "
            "the new grade or change it.")  # fmt: skip


def open_review(store: Store, who: Reviewer, submission_id: int, blind: bool,
                code: CodeCache) -> ReviewPage:  # fmt: skip
    latest_id, raw = _latest(store, who, submission_id)
    draft = store.open_draft(submission_id, who.id, latest_id, DraftRatings().model_dump_json())
    source = load_source(store, latest_id)
    reviews = store.reviews_of(latest_id)
    stale = stale_note(store, draft, latest_id, raw)
    mine = stale is None and any(review.reviewer == who.name for review in reviews)
    return ReviewPage(
        submission_id=submission_id, label=label(submission_id), scorecard_id=latest_id,
        card=shown_card(raw, submission_id, source, blind),
        code=None if source is None else code.view(store.name, latest_id, raw, source, blind),
        draft=draft, ratings=DraftRatings.model_validate_json(draft.data), stale=stale,
        submitted=mine and draft.submitted_at is not None,
        others=[review for review in reviews if review.reviewer != who.name] if mine else [],
        decided=raw.decision is not None,
        similar=similar_work(store, who, submission_id, raw),
    )  # fmt: skip


def check_ratings(card: Scorecard, ratings: DraftRatings) -> None:
    """Each answer as it is typed: a known row, a level in range, known checklist items. A
    draft may be incomplete; ``build_review`` asks for the rest at submit."""
    rows = {row.id: row for row in card.criteria if isinstance(row, HumanRow)}
    for row_id, rating in ratings.ratings.items():
        row = rows.get(row_id)
        if row is None:
            raise DeskError(f"{row_id[:60]}: not a human row of this scorecard")
        if rating.level is not None and not (row.levels and 1 <= rating.level <= MAX_LEVEL):
            wrong = f"level {rating.level} is not one of 1-{MAX_LEVEL}" if row.levels else ""
            raise DeskError(f"{row_id}: {wrong or 'a checklist row takes items, not a level'}")
        known = {item.id for item in row.items}
        if unknown := sorted(set(rating.items or []) - known):
            raise DeskError(f"{row_id}: unknown checklist item {unknown[0][:60]!r}")


def save(store: Store, who: Reviewer, submission_id: int, version: int,
         ratings: DraftRatings) -> Draft:  # fmt: skip
    _, raw = _latest(store, who, submission_id)
    check_ratings(raw, ratings)
    return store.save_draft(submission_id, who.id, version, ratings.model_dump_json())


def move_to_latest(store: Store, who: Reviewer, submission_id: int, version: int) -> Draft:
    """A stale draft now rates the submission's newest grade (ratings kept, to confirm or
    change)."""
    latest_id, _ = _latest(store, who, submission_id)
    draft = store.draft(submission_id, who.id)
    if draft is None:
        raise DeskError("there is no review to move; open the submission first")
    return store.save_draft(submission_id, who.id, version, draft.data, scorecard_id=latest_id)


def submit(store: Store, who: Reviewer, submission_id: int, version: int,
           ratings: DraftRatings) -> Draft:  # fmt: skip
    """Save, then store the review of the draft's grade (an amendment if one was stored)."""
    latest_id, raw = _latest(store, who, submission_id)
    draft = store.draft(submission_id, who.id)
    if draft is not None and stale_note(store, draft, latest_id, raw) is not None:
        raise DeskError("this review rates an earlier grade: confirm it for the new one first",
                        status=409)  # fmt: skip
    check_ratings(raw, ratings)
    saved = store.save_draft(submission_id, who.id, version, ratings.model_dump_json())
    given = {row: RatingInput(level=r.level, items=r.items, justification=r.justification)
             for row, r in ratings.ratings.items()}  # fmt: skip
    try:
        review = build_review(raw, who.name, given, label(submission_id))
    except ReviewError as error:  # saved all the same: nothing typed is lost
        raise DeskError(f"saved, not submitted: {error}", version=saved.version) from None
    return store.submit_draft(submission_id, who.id, saved.version, review)
