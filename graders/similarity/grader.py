"""The rubric's ``similarity`` source: how much of a submission's own code (starter removed)
it shares with the nearest known solution (the challenge's reference and samples) or, when
the grader is given a lookup, the nearest earlier submission of the challenge.

``max_similarity`` is that nearest match's similarity, 0 to 1, for thresholds like any other
measured row (``{ level = 4, max = 0.3 }``...). It fails closed: with no code of the
candidate's own to compare, or nothing to compare it with, the row is not scored and says
why. Matches are named by neutral ids only (``solution``, ``samples/<name>``, ``S<store
id>``): never a candidate's name, alias or repository, so blind review keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field

from graders.base import StrictModel, Submission
from graders.similarity.corpus import challenge_solutions
from graders.similarity.errors import SimilarityError
from graders.similarity.hashes import challenge_starter, tree_hashes
from graders.similarity.index import similarity

NEAREST = 3
"""Matches kept in the measurement (and named in the row's detail)."""

MatchKind = Literal["reference", "sample", "known", "ai-written", "submission"]


class EarlierSubmissions(Protocol):
    """Earlier submissions of the challenge, looked up by fingerprints (the store's index)."""

    def nearest(self, hashes: frozenset[int], k: int) -> list[tuple[str, float]]:
        """The ``k`` most similar, each as (neutral id, similarity)."""
        ...


class SimilarityMatch(StrictModel):
    id: str = Field(description="Neutral id: solution, samples/<name>, or S<store id>.")
    kind: MatchKind = Field(description="A known solution's kind, or an earlier submission.")
    similarity: float = Field(ge=0, le=1, description="Shared over the smaller fingerprint set.")


class SimilarityMeasurement(StrictModel):
    max_similarity: float = Field(
        ge=0, le=1, description="Similarity of the nearest match (0 when unmeasured)."
    )
    nearest: list[SimilarityMatch] = Field(description="The nearest matches, most similar first.")
    fingerprints: int = Field(description="The submission's fingerprints, starter removed.")
    compared: int = Field(description="Known solutions compared (earlier submissions excluded).")
    looked_up: bool = Field(description="Earlier submissions were looked up in the store.")
    reason: str | None = Field(description="Why it could not be measured; None when measured.")

    def metrics(self) -> dict[str, float]:
        return {"max_similarity": self.max_similarity}

    def unmeasured(self) -> str | None:
        return self.reason

    def note(self) -> str:
        """The top matches, for the row's detail."""
        return ", ".join(f"{m.id} {m.similarity:.0%}" for m in self.nearest) or "no match"


@lru_cache(maxsize=16)
def _corpus(challenge_root: Path) -> tuple[tuple[str, MatchKind, frozenset[int]], ...]:
    starter = challenge_starter(challenge_root)
    return tuple(
        (known.name, known.kind, tree_hashes(known.path, starter))
        for known in challenge_solutions(challenge_root)
    )


Lookup = Callable[[Submission], EarlierSubmissions | None]


class SimilarityGrader:
    name = "similarity"
    metrics = frozenset({"max_similarity"})

    def __init__(self, earlier: Lookup | None = None) -> None:
        self._earlier = earlier

    def measure(self, submission: Submission) -> SimilarityMeasurement:
        root = submission.challenge.root
        unreadable = None
        try:  # a candidate's file never raises here: an exception is taken for an infra error
            mine = tree_hashes(submission.tree, challenge_starter(root))
        except SimilarityError as error:
            mine, unreadable = frozenset(), str(error)
        corpus = _corpus(root)
        lookup = self._earlier(submission) if self._earlier is not None else None
        found = [
            SimilarityMatch(id=name, kind=kind,
                            similarity=round(similarity(len(mine & theirs), len(mine),
                                                        len(theirs)), 4))
            for name, kind, theirs in corpus
        ]  # fmt: skip
        if lookup is not None and mine:
            found += [SimilarityMatch(id=name, kind="submission", similarity=value)
                      for name, value in lookup.nearest(mine, NEAREST)]  # fmt: skip
        reason = None
        if unreadable is not None:
            reason = f"not compared: {unreadable}"
        elif not mine:
            reason = "no code of the candidate's own to compare (starter code only, or none)"
        elif not corpus and lookup is None:
            reason = "nothing to compare with (no reference, no samples, no earlier submissions)"
        nearest = sorted((m for m in found if m.similarity > 0),
                         key=lambda m: (-m.similarity, m.id))[:NEAREST]  # fmt: skip
        return SimilarityMeasurement(
            max_similarity=nearest[0].similarity if nearest and reason is None else 0.0,
            nearest=nearest if reason is None else [], fingerprints=len(mine),
            compared=len(corpus), looked_up=lookup is not None, reason=reason,
        )  # fmt: skip
