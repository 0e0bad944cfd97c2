"""Lexical retrieval: chunking, BM25 ranking, re-ranking and offline evaluation."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "STOP_WORDS",
    "tokenize",
    "Chunk",
    "chunk",
    "chunk_documents",
    "Hit",
    "BM25Index",
    "rerank",
    "Query",
    "evaluate",
]

STOP_WORDS: frozenset[str] = frozenset(
    "a an and are as at be by for from has he in is it its of on that the to was were will with".split()
)

_TOKEN_RE = re.compile(r"[a-z0-9]+")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tokenize(text: str) -> list[str]:
    """Lowercase, split on non [a-z0-9] characters, drop stop words."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return [tok for tok in _TOKEN_RE.findall(text.lower()) if tok not in STOP_WORDS]


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset[str]


def _check_chunk_args(size: object, overlap: object) -> None:
    if not _is_int(size) or not _is_int(overlap):
        raise TypeError("size and overlap must be int")
    if size < 1:  # type: ignore[operator]
        raise ValueError("size must be >= 1")
    if overlap < 0 or overlap >= size:  # type: ignore[operator]
        raise ValueError("overlap must satisfy 0 <= overlap < size")


def chunk(text: str, size: int, overlap: int, doc_id: str = "doc") -> list[Chunk]:
    """Split text into overlapping windows of `size` words."""
    if not isinstance(text, str) or not isinstance(doc_id, str):
        raise TypeError("text and doc_id must be str")
    _check_chunk_args(size, overlap)
    words = text.split()
    n = len(words)
    stride = size - overlap
    chunks: list[Chunk] = []
    i = 0
    while n > 0:
        start = i * stride
        end = min(start + size, n)
        chunks.append(
            Chunk(
                id=f"{doc_id}#{i}",
                doc_id=doc_id,
                index=i,
                text=" ".join(words[start:end]),
                start=start,
                end=end,
            )
        )
        if start + size >= n:
            break
        i += 1
    return chunks


def chunk_documents(docs: Mapping[str, str], size: int, overlap: int) -> list[Chunk]:
    """Chunk every document of the mapping, in mapping order."""
    _check_chunk_args(size, overlap)
    for doc_id, text in docs.items():
        if not isinstance(doc_id, str) or not isinstance(text, str):
            raise TypeError("doc ids and texts must be str")
    result: list[Chunk] = []
    for doc_id, text in docs.items():
        result.extend(chunk(text, size, overlap, doc_id))
    return result


class BM25Index:
    """An immutable BM25 index over chunks."""

    def __init__(self, chunks: Iterable[Chunk], k1: float = 1.5, b: float = 0.75) -> None:
        if not _is_number(k1) or not _is_number(b):
            raise TypeError("k1 and b must be numbers")
        if not math.isfinite(k1) or k1 < 0:
            raise ValueError("k1 must be finite and >= 0")
        if not math.isfinite(b) or not 0 <= b <= 1:
            raise ValueError("b must be in [0, 1]")
        chunk_list = list(chunks)
        seen: set[str] = set()
        for c in chunk_list:
            if not isinstance(c, Chunk):
                raise TypeError("chunks must be Chunk instances")
            if c.id in seen:
                raise ValueError(f"duplicate chunk id {c.id!r}")
            seen.add(c.id)
        self._k1 = float(k1)
        self._b = float(b)
        self._chunks: dict[str, Chunk] = {c.id: c for c in chunk_list}
        self._tf: dict[str, Counter[str]] = {}
        self._len: dict[str, int] = {}
        self._postings: dict[str, dict[str, int]] = {}
        for c in chunk_list:
            tokens = tokenize(c.text)
            counts = Counter(tokens)
            self._tf[c.id] = counts
            self._len[c.id] = len(tokens)
            for term, count in counts.items():
                self._postings.setdefault(term, {})[c.id] = count
        n = len(chunk_list)
        self._n = n
        self._avgdl = sum(self._len.values()) / n if n else 0.0

    def __len__(self) -> int:
        return self._n

    @property
    def avgdl(self) -> float:
        return self._avgdl

    def idf(self, term: str) -> float:
        if not isinstance(term, str):
            raise TypeError("term must be a str")
        df = len(self._postings.get(term, {}))
        return math.log((self._n - df + 0.5) / (df + 0.5) + 1)

    def _term_score(self, term: str, tf: int, dl: int) -> float:
        if tf == 0 or self._avgdl == 0:
            return 0.0
        norm = self._k1 * (1 - self._b + self._b * dl / self._avgdl)
        return self.idf(term) * tf * (self._k1 + 1) / (tf + norm)

    def score(self, query: str, chunk_id: str) -> float:
        if not isinstance(query, str):
            raise TypeError("query must be a str")
        if chunk_id not in self._chunks:
            raise KeyError(chunk_id)
        terms = dict.fromkeys(tokenize(query))
        counts = self._tf[chunk_id]
        dl = self._len[chunk_id]
        return float(sum(self._term_score(t, counts.get(t, 0), dl) for t in terms))

    def search(self, query: str, k: int = 10) -> list[Hit]:
        if not isinstance(query, str):
            raise TypeError("query must be a str")
        if not _is_int(k):
            raise TypeError("k must be an int")
        if k < 1:
            raise ValueError("k must be >= 1")
        terms = dict.fromkeys(tokenize(query))
        scores: dict[str, float] = {}
        for term in terms:
            for chunk_id, tf in self._postings.get(term, {}).items():
                scores[chunk_id] = scores.get(chunk_id, 0.0) + self._term_score(
                    term, tf, self._len[chunk_id]
                )
        ranked = sorted(
            ((cid, s) for cid, s in scores.items() if s > 0), key=lambda item: (-item[1], item[0])
        )
        return [Hit(chunk=self._chunks[cid], score=s) for cid, s in ranked[:k]]


def _contains_phrase(haystack: list[str], needle: list[str]) -> bool:
    m = len(needle)
    return any(haystack[i : i + m] == needle for i in range(len(haystack) - m + 1))


def rerank(
    query: str,
    hits: Sequence[Hit],
    phrase_bonus: float = 2.0,
    coverage_bonus: float = 1.0,
) -> list[Hit]:
    """Re-score hits with phrase and coverage bonuses, then re-sort."""
    if not isinstance(query, str):
        raise TypeError("query must be a str")
    for bonus in (phrase_bonus, coverage_bonus):
        if not _is_number(bonus):
            raise TypeError("bonuses must be numbers")
        if not math.isfinite(bonus) or bonus < 0:
            raise ValueError("bonuses must be finite and >= 0")
    hits = list(hits)
    for hit in hits:
        if not isinstance(hit, Hit):
            raise TypeError("hits must be Hit instances")
    q = tokenize(query)
    distinct = set(q)
    rescored: list[Hit] = []
    for hit in hits:
        c = tokenize(hit.chunk.text)
        coverage = len(distinct & set(c)) / len(distinct) if distinct else 0.0
        phrase = 1 if len(q) >= 2 and _contains_phrase(c, q) else 0
        new_score = hit.score + phrase_bonus * phrase + coverage_bonus * coverage
        rescored.append(Hit(chunk=hit.chunk, score=new_score))
    rescored.sort(key=lambda h: (-h.score, h.chunk.id))
    return rescored


def evaluate(
    index: BM25Index,
    queries: Sequence[Query],
    k: int,
    rerank_depth: int | None = None,
) -> dict[str, float]:
    """Mean recall@k and MRR over the labelled queries."""
    if not _is_int(k):
        raise TypeError("k must be an int")
    if rerank_depth is not None and not _is_int(rerank_depth):
        raise TypeError("rerank_depth must be an int or None")
    if k < 1:
        raise ValueError("k must be >= 1")
    if rerank_depth is not None and rerank_depth < k:
        raise ValueError("rerank_depth must be >= k")
    queries = list(queries)
    if not queries:
        raise ValueError("queries must not be empty")
    for q in queries:
        if not q.relevant:
            raise ValueError("every query needs at least one relevant id")
    total_recall = 0.0
    total_rr = 0.0
    for q in queries:
        if rerank_depth is None:
            hits = index.search(q.text, k)
        else:
            hits = rerank(q.text, index.search(q.text, rerank_depth))[:k]
        ids = [h.chunk.id for h in hits]
        total_recall += len(q.relevant & set(ids)) / len(q.relevant)
        for rank, cid in enumerate(ids, start=1):
            if cid in q.relevant:
                total_rr += 1.0 / rank
                break
    n = len(queries)
    return {f"recall@{k}": total_recall / n, "mrr": total_rr / n}
