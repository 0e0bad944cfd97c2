"""Okapi BM25 over chunks with an inverted index."""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from retrieval.checks import need_int, need_real, need_str
from retrieval.chunking import Chunk
from retrieval.text import tokenize


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its score."""

    chunk: Chunk
    score: float


def rank_key(hit: Hit) -> tuple[float, str]:
    """Sort key: score descending, chunk id ascending."""
    return (-hit.score, hit.chunk.id)


class BM25Index:
    """Postings ``term -> [(chunk id, tf)]`` plus per-chunk lengths, built once."""

    def __init__(self, chunks: Iterable[Chunk], k1: float = 1.5, b: float = 0.75) -> None:
        self._k1 = need_real(k1, "k1", low=0.0)
        self._b = need_real(b, "b", low=0.0, high=1.0)
        self._by_id: dict[str, Chunk] = {}
        self._length: dict[str, int] = {}
        self._postings: dict[str, list[tuple[str, int]]] = {}
        for item in chunks:
            self._add(item)
        total = sum(self._length.values())
        self._avgdl = total / len(self._by_id) if self._by_id else 0.0

    def _add(self, item: Chunk) -> None:
        if not isinstance(item, Chunk):
            raise TypeError(f"expected Chunk, got {type(item).__name__}")
        if item.id in self._by_id:
            raise ValueError(f"duplicate chunk id: {item.id}")
        tokens = tokenize(item.text)
        self._by_id[item.id] = item
        self._length[item.id] = len(tokens)
        for term, tf in Counter(tokens).items():
            self._postings.setdefault(term, []).append((item.id, tf))

    def __len__(self) -> int:
        return len(self._by_id)

    @property
    def avgdl(self) -> float:
        return self._avgdl

    def idf(self, term: str) -> float:
        df = len(self._postings.get(need_str(term, "term"), ()))
        n = len(self._by_id)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _accumulate(self, query: str) -> dict[str, float]:
        totals: dict[str, float] = {}
        for term in dict.fromkeys(tokenize(query)):
            postings = self._postings.get(term, [])
            weight = self.idf(term) * (self._k1 + 1.0)
            for chunk_id, tf in postings:
                ratio = self._length[chunk_id] / self._avgdl
                denominator = tf + self._k1 * (1.0 - self._b + self._b * ratio)
                totals[chunk_id] = totals.get(chunk_id, 0.0) + weight * tf / denominator
        return totals

    def score(self, query: str, chunk_id: str) -> float:
        if chunk_id not in self._by_id:
            raise KeyError(chunk_id)
        return self._accumulate(query).get(chunk_id, 0.0)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        need_str(query, "query")
        limit = need_int(k, "k", at_least=1)
        hits = (Hit(self._by_id[cid], s) for cid, s in self._accumulate(query).items())
        return heapq.nsmallest(limit, hits, key=rank_key)
