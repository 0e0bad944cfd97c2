"""The inverted index (fingerprint → documents) and the pair counts it gives, never all pairs.

Fingerprints in more than ``COMMON_SHARE`` of the cohort's submissions are boilerplate the
whole cohort writes (the obvious loop, the usual imports) and are dropped before counting,
once the cohort has at least ``COMMON_MIN_COHORT`` submissions (in a smaller one, half the
cohort is two people, and two people sharing code is exactly what is being looked for).
Known solutions do not count towards the share. A pair's similarity is the number of
fingerprints both hold over the smaller of their two fingerprint counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from itertools import combinations

COMMON_SHARE = 0.5
COMMON_MIN_COHORT = 8

Pair = tuple[int, int]


def inverted_index(documents: Sequence[frozenset[int]]) -> dict[int, list[int]]:
    """Each fingerprint hash → the (ascending) indices of the documents holding it."""
    postings: defaultdict[int, list[int]] = defaultdict(list)
    for number, hashes in enumerate(documents):
        for value in hashes:
            postings[value].append(number)
    return dict(postings)


def common_hashes(postings: dict[int, list[int]], cohort: Collection[int]) -> frozenset[int]:
    """The hashes held by more than ``COMMON_SHARE`` of the cohort (see the module doc)."""
    if len(cohort) < COMMON_MIN_COHORT:
        return frozenset()
    members = set(cohort)
    limit = COMMON_SHARE * len(members)
    return frozenset(
        value
        for value, holders in postings.items()
        if len(holders) > limit and sum(1 for d in holders if d in members) > limit
    )


def shared_counts(postings: dict[int, list[int]], dropped: frozenset[int]) -> dict[Pair, int]:
    """For every pair of documents sharing a fingerprint, how many they share."""
    counts: defaultdict[Pair, int] = defaultdict(int)
    for value, holders in postings.items():
        if len(holders) > 1 and value not in dropped:
            for pair in combinations(holders, 2):
                counts[pair] += 1
    return dict(counts)


def similarity(shared: int, size_a: int, size_b: int) -> float:
    """Shared fingerprints over the smaller fingerprint count, 0 to 1."""
    smaller = min(size_a, size_b)
    return 0.0 if smaller == 0 else min(1.0, shared / smaller)
