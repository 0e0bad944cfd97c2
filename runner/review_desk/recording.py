"""Grades made outside the store (``takehome grade``, a batch without a queue) put where the
review app finds them: the scorecard as a done run of its submission, and its source.

Queue workers and ``takehome serve`` store both as they finish a run; this is the same for
the commands that write report folders, so every grade can be reviewed in the browser.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from challenges.base_error import TakehomeError
from challenges.load import Challenge
from runner.recording import Graded
from runner.similarity_index import index_quietly
from runner.store.runs import Store


def record_for_review(
    store: Store, graded: Graded, challenge: Challenge | None = None
) -> int | None:
    """The scorecard's id in the store; None for a grade with nothing to review (an infra
    error, a rejected repository). With its ``challenge``, the source also joins the
    similarity index."""
    card = graded.scorecard
    if not card.outcome.scored:
        return None
    scorecard_id = store.record_scorecard(card)
    if graded.source is not None:
        store.record_source(scorecard_id, graded.source.model_dump_json())
        if challenge is not None:
            submission = store.submission_of_scorecard(scorecard_id)
            index_quietly(store, challenge, submission, graded.source, card.provenance.commit)
    return scorecard_id


class ReviewRecorder:
    """``record_for_review`` on a store opened at the first grade and shared by the batch's
    threads. A store that cannot be opened or written costs the review app that grade, not
    the grade: the reports are written already; ``problem`` says what went wrong, once."""

    def __init__(self, store_url: str, enabled: bool = True,
                 challenge: Challenge | None = None) -> None:  # fmt: skip
        self._url = store_url
        self._enabled = enabled
        self._challenge = challenge
        self._store: Store | None = None
        self._lock = threading.Lock()
        self.problem: str | None = None

    def __call__(self, graded: Graded) -> None:
        if not self._enabled:
            return
        try:
            with self._lock:
                if self._store is None and self.problem is None:
                    self._store = Store.open(self._url)
            if self._store is not None:
                record_for_review(self._store, graded, self._challenge)
        except TakehomeError as error:
            self.problem = self.problem or str(error)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def chained(self, first: Callable[[Graded], None]) -> Callable[[Graded], None]:
        def both(graded: Graded) -> None:
            first(graded)
            self(graded)

        return both
