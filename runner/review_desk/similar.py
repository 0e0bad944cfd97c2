"""What a reviewer is shown of similar work: the nearest known solutions (the scorecard's own
similarity measurement: the reference, the samples, AI-written baselines) and the nearest
earlier submissions of the challenge from the store's fingerprint index, with links where the
reader may follow them. Evidence for a reviewer, never a verdict: nothing here changes a
score.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.scorecard import Scorecard
from runner.review_desk.blinding import label
from runner.store.accounts import Reviewer
from runner.store.runs import Store

EARLIER = 3
"""Earlier submissions shown."""


@dataclass(frozen=True)
class SimilarEntry:
    name: str
    kind: str
    """reference | sample | known | ai-written | submission"""
    similarity: float
    href: str | None


@dataclass(frozen=True)
class SimilarWork:
    known: list[SimilarEntry]
    earlier: list[SimilarEntry]
    note: str | None
    """Why there is nothing to show, where that is not obvious."""


def _href(store: Store, who: Reviewer, submission_id: int) -> str | None:
    if who.is_manager:
        return f"/manage/{submission_id}"
    return f"/review/{submission_id}" if store.is_assigned(submission_id, who.id) else None


def similar_work(store: Store, who: Reviewer, submission_id: int, card: Scorecard) -> SimilarWork:
    measured = card.measurements.similarity
    known = [] if measured is None else [
        SimilarEntry(match.id, match.kind, match.similarity, None)
        for match in measured.nearest if match.kind != "submission"
    ]  # fmt: skip
    mine = store.fingerprint_set(submission_id)
    if mine is None:
        return SimilarWork(known, [], "this submission is not in the similarity index yet "
                                      "(takehome similarity --store adds it)")  # fmt: skip
    matches = store.nearest(card.challenge.id, mine, EARLIER, exclude={submission_id})
    earlier = [
        SimilarEntry(label(m.submission_id), "submission", m.similarity,
                     _href(store, who, m.submission_id))
        for m in matches if m.shared
    ]  # fmt: skip
    return SimilarWork(known, earlier, None)
