"""Blind review of a similarity report: each submission shown by a neutral name, and every
file path and line of code shown through a scrub that removes the candidates' identities.

The scrub itself (``reports.blind.scrubber``) and the identities (``graders.identity``) are
chosen above this layer (``runner.similarity_blind``); this module only applies them, to the
report's names and paths and, at rendering, to the excerpts read from the files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graders.similarity.model import MatchedRegion, Pair, SimilarityReport, SubmissionSummary


@dataclass(frozen=True)
class Blinding:
    names: Mapping[str, str]
    """Each submission's name as given → the neutral name shown instead."""
    scrub: Callable[[str], str]
    """Removes every candidate's identity from a path or a line of code."""

    def name(self, given: str) -> str:
        return self.names.get(given, given)


def _region(region: MatchedRegion, blinding: Blinding) -> MatchedRegion:
    return region.model_copy(
        update={"file_a": blinding.scrub(region.file_a), "file_b": blinding.scrub(region.file_b)}
    )


def blind_pair(pair: Pair, blinding: Blinding) -> Pair:
    """The pair as a blind reviewer sees it."""
    return pair.model_copy(update={
        "a": blinding.name(pair.a), "b": blinding.name(pair.b),
        "regions": [_region(region, blinding) for region in pair.regions],
    })  # fmt: skip


def _summary(summary: SubmissionSummary, blinding: Blinding) -> SubmissionSummary:
    return summary.model_copy(update={
        "name": blinding.name(summary.name),
        "unparsed": [blinding.scrub(path) for path in summary.unparsed],
        "nearest_known": [blind_pair(pair, blinding) for pair in summary.nearest_known],
    })  # fmt: skip


def blind_report(report: SimilarityReport, blinding: Blinding) -> SimilarityReport:
    """The report as a blind reviewer sees it: neutral names, scrubbed paths, same figures."""
    return report.model_copy(update={
        "submissions": [_summary(summary, blinding) for summary in report.submissions],
        "pairs": [blind_pair(pair, blinding) for pair in report.pairs],
    })  # fmt: skip
