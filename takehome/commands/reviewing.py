"""Reviewing: rating rows, finalizing, and what the candidate may see."""

from __future__ import annotations

from pathlib import Path

import click

from reports.candidate import candidate_view
from reports.review import ReviewError, build_review, check_open, check_reviewer, load_ratings
from reports.review_draft import ReviewDraft
from reports.scorecard import Recommendation, load_scorecard
from runner.reviewing import finalize, reviews_of, submit_review
from runner.store.runs import Store
from takehome.card_challenge import challenge_of
from takehome.options import challenge_option, scorecard_argument
from takehome.prompts import drafts_directory, kept, prompt_ratings
from takehome.settings import load_settings

reviewer_option = click.option(
    "--reviewer", required=True, help="Your name, as stored with your ratings."
)
amend_option = click.option(
    "--amend", is_flag=True,
    help="Replace the ratings you stored for this scorecard (until it is finalized).",
)  # fmt: skip


def _store() -> Store:
    """The store every review goes to (TAKEHOME_DATABASE_URL, else the data directory's)."""
    return Store.open(load_settings().store_url)


@click.command("review")
@scorecard_argument
@reviewer_option
@amend_option
def review_command(scorecard_path: Path, reviewer: str, amend: bool) -> None:
    """Rate the human rows of SCORECARD in the terminal: question, anchors, evidence, then a
    level (or checklist items) and a justification for each row. Each answer is checked as
    it is typed and kept at once in a draft beside the scorecard; a rerun takes it up."""
    card = load_scorecard(scorecard_path)
    check_reviewer(reviewer)  # everything that can refuse the review, before it is typed
    check_open(card, str(scorecard_path))
    with _store() as store:
        rated = any(done.reviewer == reviewer for done in reviews_of(store, scorecard_path))
        if rated and not amend:
            raise ReviewError(f"{scorecard_path}: {reviewer} has already rated this scorecard "
                              "(--amend replaces those ratings)")  # fmt: skip
        draft = ReviewDraft(card, reviewer, scorecard_path, drafts_directory())
        with kept(draft):  # anything that stops the review says where the answers are
            ratings = prompt_ratings(card, draft)
            review = build_review(card, reviewer, ratings, "your ratings")
            scorecard_id = submit_review(store, scorecard_path, review, amend)
        draft.discard()  # stored: the draft has served
    click.echo(f"ratings of {reviewer} stored (scorecard {scorecard_id} in {store.name})")


@click.group("scorecard")
def scorecard_group() -> None:
    """Complete and finalize scorecards."""


@scorecard_group.command("complete")
@scorecard_argument
@reviewer_option
@amend_option
@click.option(
    "--ratings",
    "ratings_path",
    required=True,
    type=click.Path(path_type=Path),
    help="YAML or JSON: {ratings: {ROW: {level: N, justification: TEXT}}}.",
)
def complete_command(scorecard_path: Path, reviewer: str, amend: bool, ratings_path: Path) -> None:
    """Store one reviewer's ratings of SCORECARD from a file."""
    card = load_scorecard(scorecard_path)
    ratings = load_ratings(ratings_path)
    if ratings.reviewer not in (None, reviewer):
        raise ReviewError(
            f"{ratings_path}: reviewer: the file is {ratings.reviewer[:70]!r}'s, not {reviewer!r}'s"
        )
    review = build_review(card, reviewer, ratings.ratings, str(ratings_path))
    with _store() as store:
        scorecard_id = submit_review(store, scorecard_path, review, amend)
    click.echo(f"ratings of {reviewer} stored (scorecard {scorecard_id} in {store.name})")


@scorecard_group.command("finalize")
@scorecard_argument
@click.option(
    "--recommendation",
    required=True,
    type=click.Choice([r.value for r in Recommendation]),
    help="Overall recommendation.",
)
@click.option("--reason", required=True, help="Why, in a sentence.")
@click.option("--by", "decided_by", required=True, help="Who decides (the hiring manager).")
def finalize_command(
    scorecard_path: Path, recommendation: str, reason: str, decided_by: str
) -> None:
    """Merge the stored reviews (median level per row), flag disagreements of two levels or
    more, total the score, record the recommendation and mark the scorecard complete."""
    with _store() as store:
        card = finalize(store, scorecard_path, Recommendation(recommendation), reason, decided_by)
    decision = card.decision
    assert decision is not None
    click.echo(
        f"{card.submission.id}: complete, {card.score:g}/{card.max_score:g} points, "
        f"{decision.recommendation.value}; {len(card.reviews)} review(s), "
        f"{len(decision.disagreements)} disagreement(s) to debrief"
    )


@click.command("feedback")
@scorecard_argument
@challenge_option("The challenge the scorecard belongs to, whose feedback policy applies "
                  "(default: the bundled challenge the scorecard names).",
                  required=False)  # fmt: skip
def feedback_command(scorecard_path: Path, challenge_ref: str | None) -> None:
    """Print what the candidate may see of SCORECARD under the challenge's feedback policy."""
    card = load_scorecard(scorecard_path)
    view = candidate_view(card, challenge_of(card, challenge_ref, scorecard_path))
    click.echo(view.model_dump_json(indent=2))
