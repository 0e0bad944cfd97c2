"""What ``takehome similarity`` does, as one call: the corpus gathered, the cohort compared,
the HTML report written when asked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graders.similarity.analysis import Comparison, compare
from graders.similarity.blinding import Blinding, blind_report
from graders.similarity.corpus import challenge_solutions, known_directory
from graders.similarity.model import SimilarityReport
from graders.similarity.page import write_report


@dataclass(frozen=True)
class SimilarityRun:
    comparison: Comparison
    index: Path | None
    """The HTML report's index page, when one was written."""
    report: SimilarityReport
    """The report as shown: blind (neutral names, scrubbed paths) when asked."""


def similarity_run(
    challenge_root: Path,
    challenge_id: str,
    submissions: Sequence[Path],
    known: Path | None = None,
    out: Path | None = None,
    workers: int = 1,
    blind: Callable[[Comparison], Blinding] | None = None,
) -> SimilarityRun:
    """Compare ``submissions`` with each other and with the known solutions (the challenge's
    solution and samples, and ``known``'s subdirectories), the challenge's starter removed;
    ``blind`` makes the blinding of the comparison, for a blind report and summary."""
    corpus = challenge_solutions(challenge_root)
    if known is not None:
        corpus += known_directory(known)
    comparison = compare(challenge_id, challenge_root / "starter", submissions, corpus, workers)
    blinding = None if blind is None else blind(comparison)
    index = None if out is None else write_report(comparison, out, blinding)
    shown = comparison.report if blinding is None else blind_report(comparison.report, blinding)
    return SimilarityRun(comparison, index, shown)
