"""The one entry point: a cohort of submissions and the known solutions → a similarity report.

Submissions and known solutions are fingerprinted alike (starter removed), put in one
inverted index, and only the pairs that share a fingerprint are ever counted. Known solutions
are never paired with each other. A submission *resembles* an AI-written known solution when
their similarity reaches ``AI_EVIDENCE``: independently AI-written answers to one task share
far more code with each other (a median of 20-33 % in published data) than human pairs do
(0-5 %), so this is worth a reviewer's look, and no more than that.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graders.similarity.corpus import KnownSolution
from graders.similarity.documents import Document, Wanted
from graders.similarity.documents import documents as read_documents
from graders.similarity.errors import SimilarityError
from graders.similarity.index import common_hashes, inverted_index, shared_counts, similarity
from graders.similarity.model import MatchedRegion, Pair, SimilarityReport, SubmissionSummary
from graders.similarity.regions import matched_regions
from graders.similarity.sources import source_files
from graders.similarity.starter import starter_hashes

AI_EVIDENCE = 0.2
NEAREST_KNOWN = 3
PAIRS_WITH_REGIONS = 50
REPORTED_PAIRS = 5_000
"""Pairs listed, most similar first: a cohort of 1,000 can have 250,000 pairs sharing a
fingerprint, and building (and reading) them all cost more than the rest of the ranking; the
percentiles still place each listed pair among all of them."""
REGIONS_PER_PAIR = 20


@dataclass(frozen=True)
class Comparison:
    """The report and the documents behind it (their files, for rendering the evidence)."""

    report: SimilarityReport
    documents: dict[str, Document]


def submission_names(paths: Sequence[Path]) -> list[str]:
    """Each directory's own name; the paths as given when two names would be the same."""
    seen: set[Path] = set()
    for number, path in enumerate(path.resolve() for path in paths):
        if path in seen:
            raise SimilarityError(f"{paths[number]}: given twice")
        seen.add(path)
    names = [path.name or str(path) for path in paths]
    return names if len(set(names)) == len(names) else [str(path) for path in paths]


class _Scored:
    def __init__(self, documents: list[Document], cohort: int) -> None:
        self.documents = documents
        postings = inverted_index([d.hashes for d in documents])
        self.dropped = common_hashes(postings, range(cohort))
        self.sizes = [len(d.hashes) - len(d.hashes & self.dropped) for d in documents]
        self.counts = shared_counts(postings, self.dropped)

    def pair(self, a: int, b: int, percentile: float | None, with_regions: bool) -> Pair:
        first, second = self.documents[a], self.documents[b]
        shared = self.counts.get((a, b), 0)
        regions: list[MatchedRegion] = []
        if with_regions and shared:
            found = matched_regions(first, second, (first.hashes & second.hashes) - self.dropped)
            regions = [
                MatchedRegion(
                    file_a=r.file_a, lines_a=(r.a_first, r.a_last), file_b=r.file_b,
                    lines_b=(r.b_first, r.b_last), fingerprints=r.fingerprints,
                )
                for r in found[:REGIONS_PER_PAIR]
            ]  # fmt: skip
        kind = "submission" if second.kind == "submission" else second.kind
        value = similarity(shared, self.sizes[a], self.sizes[b])
        build = Pair if regions else Pair.model_construct  # most pairs of a large cohort: no
        return build(  # regions, and values computed here: not worth validating one by one
            a=first.name, b=second.name, b_kind=kind, similarity=round(value, 4),
            shared=shared, percentile=percentile, regions=regions,
        )  # fmt: skip


def _cohort_pairs(scored: _Scored, cohort: int) -> list[Pair]:
    within = [(a, b) for (a, b) in scored.counts if b < cohort]
    values = {
        p: similarity(scored.counts[p], scored.sizes[p[0]], scored.sizes[p[1]]) for p in within
    }
    total = cohort * (cohort - 1) // 2
    ordered = sorted(values.values())
    zeros = total - len(ordered)
    ranked = heapq.nsmallest(REPORTED_PAIRS, within, key=lambda p: (-values[p], p))
    return [
        scored.pair(a, b, (zeros + bisect.bisect_left(ordered, values[(a, b)])) / total,
                    rank < PAIRS_WITH_REGIONS)
        for rank, (a, b) in enumerate(ranked)
    ]  # fmt: skip


def _summary(scored: _Scored, number: int, cohort: int) -> SubmissionSummary:
    doc = scored.documents[number]
    known = [
        scored.pair(number, other, None, True)
        for other in range(cohort, len(scored.documents))
        if scored.counts.get((number, other))
    ]
    known.sort(key=lambda p: (-p.similarity, p.b))
    return SubmissionSummary(
        name=doc.name, files=len(doc.files),
        unparsed=[f.path for f in doc.files if f.path.endswith(".py") and not f.parsed],
        fingerprints=scored.sizes[number], starter_fingerprints=doc.starter_dropped,
        nearest_known=known[:NEAREST_KNOWN],
        resembles_ai_written=[
            p.b for p in known if p.b_kind == "ai-written" and p.similarity >= AI_EVIDENCE
        ],
    )  # fmt: skip


def compare(
    challenge_id: str,
    starter: Path | None,
    submissions: Sequence[Path],
    known: Sequence[KnownSolution] = (),
    workers: int = 1,
) -> Comparison:
    """Fingerprint everything (over ``workers`` processes), index it, and report the pairs
    that share code."""
    if not submissions:
        raise SimilarityError("no submission to compare")
    starter_set: frozenset[int] = frozenset()
    if starter is not None and starter.is_dir():
        starter_set = starter_hashes(source_files(starter))
    names = submission_names(submissions)
    wanted = [
        Wanted(name, path, "submission") for name, path in zip(names, submissions, strict=True)
    ]
    wanted += [Wanted(k.name, k.path, k.kind, k.description) for k in known]
    documents = read_documents(wanted, starter_set, workers)
    cohort = len(names)
    scored = _Scored(documents, cohort)
    report = SimilarityReport(
        schema_version=1, challenge=challenge_id,
        submissions=[_summary(scored, number, cohort) for number in range(cohort)],
        pairs=_cohort_pairs(scored, cohort), cohort_pairs=cohort * (cohort - 1) // 2,
        pairs_sharing=sum(1 for (_, b) in scored.counts if b < cohort),
        common_fingerprints=len(scored.dropped), known=[k.name for k in known],
    )  # fmt: skip
    return Comparison(report, {d.name: d for d in documents})
