"""Lexical retrieval: chunking, BM25 ranking, re-ranking and offline evaluation.

Reference solution. The index keeps, per term, a posting list ``chunk position -> term
frequency`` and, per chunk, its token count; a search only visits the postings of the query's
distinct terms, so it costs O(sum of their document frequencies + h log h) for h matches.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "STOP_WORDS",
    "BM25Index",
    "Chunk",
    "Hit",
    "Query",
    "chunk",
    "chunk_documents",
    "evaluate",
    "rerank",
    "tokenize",
]

STOP_WORDS: frozenset[str] = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "he", "in",
        "is", "it", "its", "of", "on", "that", "the", "to", "was", "were", "will", "with",
    }
)  # fmt: skip

_TOKEN = re.compile(r"[a-z0-9]+")


# ------------------------------------------------------------------ validation helpers


def _require_str(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")


def _require_int(value: object, name: str, minimum: int) -> None:
    """An ``int`` (``bool`` excluded) that is at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


def _require_number(value: object, name: str, low: float, high: float) -> None:
    """A finite ``int`` or ``float`` (``bool`` excluded) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be an int or a float, not {type(value).__name__}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be finite and in [{low}, {high}], got {value}")


# ------------------------------------------------------------------------ tokenisation


def tokenize(text: str) -> list[str]:
    """Lowercase ``text``, keep maximal runs of ASCII ``a-z0-9``, drop stop words.

    Raises:
        TypeError: ``text`` is not a str.
    """
    _require_str(text, "text")
    return [token for token in _TOKEN.findall(text.lower()) if token not in STOP_WORDS]


# ---------------------------------------------------------------------------- chunking


@dataclass(frozen=True)
class Chunk:
    """A window of consecutive words of one document; words ``[start, end)``."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def _check_window(size: object, overlap: object) -> None:
    _require_int(size, "size", 1)
    _require_int(overlap, "overlap", 0)
    if overlap >= size:  # type: ignore[operator]  # both checked to be ints above
        raise ValueError(f"overlap must be < size, got overlap={overlap}, size={size}")


def _windows(count: int, size: int, stride: int) -> Iterable[tuple[int, int]]:
    """``(start, end)`` word ranges; the window that reaches ``count`` is the last."""
    start = 0
    while start < count:
        yield start, min(start + size, count)
        if start + size >= count:
            return
        start += stride


def _chunk_words(words: list[str], size: int, overlap: int, doc_id: str) -> list[Chunk]:
    return [
        Chunk(f"{doc_id}#{index}", doc_id, index, " ".join(words[start:end]), start, end)
        for index, (start, end) in enumerate(_windows(len(words), size, size - overlap))
    ]


def chunk(text: str, size: int, overlap: int, doc_id: str = "doc") -> list[Chunk]:
    """Split ``text`` into chunks of ``size`` whitespace-separated words.

    Consecutive chunks share ``overlap`` words; the chunk that reaches the end of the text
    is the last one. A text without words gives ``[]``.

    Raises:
        TypeError: ``text``/``doc_id`` not a str, ``size``/``overlap`` not an int.
        ValueError: ``size < 1``, ``overlap < 0`` or ``overlap >= size``.
    """
    _require_str(text, "text")
    _require_str(doc_id, "doc_id")
    _check_window(size, overlap)
    return _chunk_words(text.split(), size, overlap, doc_id)


def chunk_documents(docs: Mapping[str, str], size: int, overlap: int) -> list[Chunk]:
    """Chunk every ``doc_id -> text`` of ``docs``, in the mapping's iteration order.

    Raises the same errors as :func:`chunk` (also for an empty mapping).
    """
    _check_window(size, overlap)
    return [piece for doc_id, text in docs.items() for piece in chunk(text, size, overlap, doc_id)]


# -------------------------------------------------------------------------------- BM25


@dataclass(frozen=True)
class Hit:
    """A chunk and its score for one query."""

    chunk: Chunk
    score: float


def _ranked(hits: Iterable[Hit]) -> list[Hit]:
    """Score descending, ties by chunk id ascending."""
    return sorted(hits, key=lambda hit: (-hit.score, hit.chunk.id))


def _query_terms(query: str) -> list[str]:
    """The distinct tokens of ``query`` in first-seen order (deterministic sums)."""
    return list(dict.fromkeys(tokenize(query)))


class BM25Index:
    """An immutable Okapi BM25 index over chunks.

    Internal data: ``_chunks`` (input order), ``_positions`` (chunk id -> position),
    ``_lengths`` (token count per position) and ``_postings`` (term -> {position: tf}).
    """

    def __init__(self, chunks: Iterable[Chunk], k1: float = 1.5, b: float = 0.75) -> None:
        """Index ``chunks``.

        Raises:
            TypeError: an element is not a Chunk; ``k1``/``b`` not an int or float.
            ValueError: duplicate chunk ids; ``k1 < 0``; ``b`` outside [0, 1]; not finite.
        """
        _require_number(k1, "k1", 0.0, math.inf)
        _require_number(b, "b", 0.0, 1.0)
        self._chunks: list[Chunk] = list(chunks)
        self._k1 = float(k1)
        self._b = float(b)
        self._positions: dict[str, int] = {}
        for position, piece in enumerate(self._chunks):
            if not isinstance(piece, Chunk):
                raise TypeError(f"chunks must be Chunk objects, not {type(piece).__name__}")
            if piece.id in self._positions:
                raise ValueError(f"duplicate chunk id {piece.id!r}")
            self._positions[piece.id] = position
        self._lengths: list[int] = []
        self._postings: dict[str, dict[int, int]] = {}
        for position, piece in enumerate(self._chunks):
            counts = Counter(tokenize(piece.text))
            self._lengths.append(sum(counts.values()))
            for term, frequency in counts.items():
                self._postings.setdefault(term, {})[position] = frequency
        total = sum(self._lengths)
        self._avgdl = total / len(self._chunks) if self._chunks else 0.0

    def __len__(self) -> int:
        """Number of chunks indexed."""
        return len(self._chunks)

    @property
    def avgdl(self) -> float:
        """Mean token count of the indexed chunks (0.0 for an empty index)."""
        return self._avgdl

    def idf(self, term: str) -> float:
        """``ln((N - df + 0.5) / (df + 0.5) + 1)`` for ``term`` taken as is."""
        _require_str(term, "term")
        return self._idf(len(self._postings.get(term, {})))

    def _idf(self, df: int) -> float:
        count = len(self._chunks)
        return math.log((count - df + 0.5) / (df + 0.5) + 1.0)

    def _term_weight(self, idf: float, frequency: int, position: int) -> float:
        """BM25 contribution of one term with ``frequency`` > 0 in the chunk at ``position``."""
        norm = 1.0 - self._b + self._b * self._lengths[position] / self._avgdl
        return idf * frequency * (self._k1 + 1.0) / (frequency + self._k1 * norm)

    def _scores(self, terms: Iterable[str]) -> dict[int, float]:
        """Position -> score for every chunk containing at least one of ``terms``."""
        scores: dict[int, float] = {}
        for term in terms:
            postings = self._postings.get(term, {})
            idf = self._idf(len(postings))
            for position, frequency in postings.items():
                weight = self._term_weight(idf, frequency, position)
                scores[position] = scores.get(position, 0.0) + weight
        return scores

    def score(self, query: str, chunk_id: str) -> float:
        """BM25 score of the chunk ``chunk_id`` for ``query``.

        Raises:
            TypeError: ``query`` is not a str.
            KeyError: no chunk has this id.
        """
        position = self._positions[chunk_id]
        return self._scores(_query_terms(query)).get(position, 0.0)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """At most ``k`` hits with a score > 0: score descending, then chunk id ascending.

        Raises:
            TypeError: ``query`` not a str or ``k`` not an int.
            ValueError: ``k < 1``.
        """
        _require_int(k, "k", 1)
        scores = self._scores(_query_terms(query))
        # Every posting weighs > 0 (idf > 0, tf > 0), so each scored chunk is a hit.
        return _ranked(Hit(self._chunks[pos], value) for pos, value in scores.items())[:k]


# --------------------------------------------------------------------------- re-ranking


def _contains_run(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` occurs in ``tokens`` as a contiguous run."""
    width = len(phrase)
    return any(tokens[i : i + width] == phrase for i in range(len(tokens)))


def _bonus(query_tokens: list[str], chunk_tokens: list[str]) -> tuple[float, float]:
    """``(phrase, coverage)`` of a chunk for a query, each in [0, 1]."""
    distinct = set(query_tokens)
    coverage = len(distinct & set(chunk_tokens)) / len(distinct) if distinct else 0.0
    phrase = len(query_tokens) >= 2 and _contains_run(chunk_tokens, query_tokens)
    return (1.0 if phrase else 0.0), coverage


def rerank(
    query: str, hits: Sequence[Hit], phrase_bonus: float = 2.0, coverage_bonus: float = 1.0
) -> list[Hit]:
    """New hits scored ``score + phrase_bonus * phrase + coverage_bonus * coverage``.

    Sorted by new score descending, ties by chunk id ascending; the input is not modified.

    Raises:
        TypeError: ``query`` not a str, an element not a Hit, a bonus not an int/float.
        ValueError: a bonus negative or not finite.
    """
    _require_number(phrase_bonus, "phrase_bonus", 0.0, math.inf)
    _require_number(coverage_bonus, "coverage_bonus", 0.0, math.inf)
    candidates = list(hits)
    for hit in candidates:
        if not isinstance(hit, Hit):
            raise TypeError(f"hits must be Hit objects, not {type(hit).__name__}")
    query_tokens = tokenize(query)
    rescored = []
    for hit in candidates:
        phrase, coverage = _bonus(query_tokens, tokenize(hit.chunk.text))
        new_score = hit.score + phrase_bonus * phrase + coverage_bonus * coverage
        rescored.append(Hit(hit.chunk, new_score))
    return _ranked(rescored)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Query:
    """A labelled query: its text and the ids of the chunks that answer it."""

    text: str
    relevant: frozenset[str]


def _reciprocal_rank(ranked_ids: Sequence[str], relevant: frozenset[str]) -> float:
    """``1 / r`` for the 1-based rank ``r`` of the first relevant id, else 0.0."""
    for rank, chunk_id in enumerate(ranked_ids, start=1):
        if chunk_id in relevant:
            return 1.0 / rank
    return 0.0


def _ranked_ids(index: BM25Index, text: str, k: int, rerank_depth: int | None) -> list[str]:
    if rerank_depth is None:
        hits = index.search(text, k)
    else:
        hits = rerank(text, index.search(text, rerank_depth))[:k]
    return [hit.chunk.id for hit in hits]


def _check_queries(queries: Sequence[Query]) -> None:
    if not queries:
        raise ValueError("queries must not be empty")
    for query in queries:
        if not query.relevant:
            raise ValueError(f"query {query.text!r} has no relevant chunk ids")


def evaluate(
    index: BM25Index, queries: Sequence[Query], k: int, rerank_depth: int | None = None
) -> dict[str, float]:
    """Mean recall@k and mean reciprocal rank of ``index`` over ``queries``.

    Returns ``{f"recall@{k}": ..., "mrr": ...}``. With ``rerank_depth`` the top
    ``rerank_depth`` BM25 hits are re-ranked and the first ``k`` kept.

    Raises:
        TypeError: ``k``/``rerank_depth`` not an int.
        ValueError: ``k < 1``, ``rerank_depth < k``, no queries, a query without relevant ids.
    """
    _require_int(k, "k", 1)
    if rerank_depth is not None:
        _require_int(rerank_depth, "rerank_depth", k)
    _check_queries(queries)
    recall_total = 0.0
    rr_total = 0.0
    for query in queries:
        ranked = _ranked_ids(index, query.text, k, rerank_depth)
        recall_total += len(query.relevant.intersection(ranked)) / len(query.relevant)
        rr_total += _reciprocal_rank(ranked, query.relevant)
    return {f"recall@{k}": recall_total / len(queries), "mrr": rr_total / len(queries)}
