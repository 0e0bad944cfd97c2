"""What ``takehome similarity`` does, as one call: the corpus gathered, the cohort compared,
the HTML report written when asked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graders.similarity.analysis import Comparison, compare
from graders.similarity.corpus import challenge_solutions, known_directory
from graders.similarity.page import write_report


@dataclass(frozen=True)
class SimilarityRun:
    comparison: Comparison
    index: Path | None
    """The HTML report's index page, when one was written."""


def similarity_run(
    challenge_root: Path,
    challenge_id: str,
    submissions: Sequence[Path],
    known: Path | None = None,
    out: Path | None = None,
    workers: int = 1,
) -> SimilarityRun:
    """Compare ``submissions`` with each other and with the known solutions (the challenge's
    solution and samples, and ``known``'s subdirectories), the challenge's starter removed."""
    corpus = challenge_solutions(challenge_root)
    if known is not None:
        corpus += known_directory(known)
    comparison = compare(challenge_id, challenge_root / "starter", submissions, corpus, workers)
    return SimilarityRun(comparison, None if out is None else write_report(comparison, out))
