"""Second-stage re-ranking: phrase and coverage bonuses on top of the first-stage score."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.checks import need_real, need_str
from retrieval.index import Hit, rank_key
from retrieval.text import tokenize


def has_phrase(tokens: list[str], phrase: list[str]) -> bool:
    """True when ``phrase`` (two tokens or more) occurs contiguously in ``tokens``."""
    if len(phrase) < 2:
        return False
    width = len(phrase)
    starts = (i for i, token in enumerate(tokens) if token == phrase[0])
    return any(tokens[i : i + width] == phrase for i in starts)


def coverage(tokens: list[str], terms: set[str]) -> float:
    """Share of ``terms`` present in ``tokens`` (0.0 when there are no terms)."""
    if not terms:
        return 0.0
    return len(terms.intersection(tokens)) / len(terms)


def rerank(
    query: str, hits: Sequence[Hit], phrase_bonus: float = 2.0, coverage_bonus: float = 1.0
) -> list[Hit]:
    """Re-scored copies of ``hits``, best first (ties by chunk id)."""
    phrase = tokenize(need_str(query, "query"))
    terms = set(phrase)
    p_bonus = need_real(phrase_bonus, "phrase_bonus", low=0.0)
    c_bonus = need_real(coverage_bonus, "coverage_bonus", low=0.0)
    if any(not isinstance(hit, Hit) for hit in hits):
        raise TypeError("hits must contain Hit objects only")
    rescored = []
    for hit in hits:
        tokens = tokenize(hit.chunk.text)
        extra = p_bonus * has_phrase(tokens, phrase) + c_bonus * coverage(tokens, terms)
        rescored.append(Hit(hit.chunk, hit.score + extra))
    return sorted(rescored, key=rank_key)
