"""The inverted index finds exactly the pairs an all-pairs comparison finds, with the same
counts, while only ever looking at documents that share a fingerprint."""

from __future__ import annotations

import shutil
from itertools import combinations
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graders.similarity import analysis
from graders.similarity.analysis import compare
from graders.similarity.index import (
    COMMON_MIN_COHORT,
    common_hashes,
    inverted_index,
    shared_counts,
    similarity,
)
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"


def _all_pairs(
    documents: list[frozenset[int]], dropped: frozenset[int]
) -> dict[tuple[int, int], int]:
    counts = {}
    for (a, first), (b, second) in combinations(enumerate(documents), 2):
        if shared := len((first & second) - dropped):
            counts[(a, b)] = shared
    return counts


@settings(max_examples=200, deadline=None)
@given(st.lists(st.frozensets(st.integers(0, 40), max_size=15), max_size=14))
def test_the_index_counts_what_all_pairs_count(documents: list[frozenset[int]]) -> None:
    postings = inverted_index(documents)
    dropped = common_hashes(postings, range(len(documents)))
    assert shared_counts(postings, dropped) == _all_pairs(documents, dropped)


def test_fingerprints_most_of_the_cohort_has_are_dropped_in_a_cohort_only() -> None:
    everyone = [frozenset({1, 2, 100 + n}) for n in range(COMMON_MIN_COHORT)]
    assert common_hashes(inverted_index(everyone), range(len(everyone))) == {1, 2}
    small = everyone[: COMMON_MIN_COHORT - 1]
    assert common_hashes(inverted_index(small), range(len(small))) == frozenset()


def test_a_real_cohort_ranks_the_same_pairs_as_all_pairs(tmp_path: Path) -> None:
    folders = [KV / "solution", *sorted(p for p in (KV / "samples").iterdir() if p.is_dir())]
    source = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    for change in (variants.renamed, variants.reordered, variants.padded):
        (tmp_path / change.__name__).mkdir()
        (tmp_path / change.__name__ / "kvstore.py").write_text(change(source), encoding="utf-8")
        folders.append(tmp_path / change.__name__)
    shutil.copytree(KV / "starter", tmp_path / "untouched")
    folders.append(tmp_path / "untouched")
    assert len(folders) >= COMMON_MIN_COHORT  # so common fingerprints are dropped too
    comparison = compare("kv-store", KV / "starter", folders)
    docs = [comparison.documents[s.name] for s in comparison.report.submissions]
    dropped = frozenset().union(*(d.hashes for d in docs))
    dropped = frozenset(h for h in dropped if sum(h in d.hashes for d in docs) > len(docs) / 2)
    expected = {}
    for first, second in combinations(docs, 2):
        shared = first.hashes & second.hashes - dropped
        if shared:
            sizes = len(first.hashes - dropped), len(second.hashes - dropped)
            expected[(first.name, second.name)] = round(similarity(len(shared), *sizes), 4)
    found = {(p.a, p.b): p.similarity for p in comparison.report.pairs}
    assert found == expected
    assert comparison.report.common_fingerprints == len(dropped) > 0
    assert comparison.report.pairs[0].similarity >= 0.85  # a disguised copy is on top


def test_fingerprinting_over_two_processes_gives_the_same_report() -> None:
    folders = [KV / "solution", *sorted(p for p in (KV / "samples").iterdir() if p.is_dir())]
    alone = compare("kv-store", KV / "starter", folders).report
    shared = compare("kv-store", KV / "starter", folders, workers=2).report
    assert shared == alone
    assert alone.pairs


def test_only_the_most_similar_pairs_are_listed_and_all_are_counted(monkeypatch) -> None:
    folders = [KV / "solution", *sorted(p for p in (KV / "samples").iterdir() if p.is_dir())]
    everything = compare("kv-store", KV / "starter", folders).report
    assert everything.pairs_sharing == len(everything.pairs) > 3
    monkeypatch.setattr(analysis, "REPORTED_PAIRS", 3)
    listed = compare("kv-store", KV / "starter", folders).report
    assert listed.pairs_sharing == everything.pairs_sharing
    assert listed.pairs == everything.pairs[:3]
