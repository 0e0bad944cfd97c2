"""Lexical retrieval: chunking, BM25 ranking, re-ranking and offline evaluation.

Reference solution. The index keeps, per term, a posting list ``chunk slot -> term
tf`` and, per chunk, its token count; a search only visits the plist of the query's
unique terms, so it costs O(sum of their document frequencies + h log h) for h matches.
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
_ALNUM_RUN = re.compile(r"[a-z0-9]+")


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
    _ensure_whole(k, "k", 1)
    if rerank_depth is not None:
        _ensure_whole(rerank_depth, "rerank_depth", k)
    _validate_queries(queries)
    sum_recall = 0.0
    sum_rr = 0.0
    for query in queries:
        ranked = _ids_for(index, query.text, k, rerank_depth)
        sum_recall += len(query.relevant.intersection(ranked)) / len(query.relevant)
        sum_rr += _inverse_rank(ranked, query.relevant)
    return {f"recall@{k}": sum_recall / len(queries), "mrr": sum_rr / len(queries)}


def rerank(
    query: str, hits: Sequence[Hit], phrase_bonus: float = 2.0, coverage_bonus: float = 1.0
) -> list[Hit]:
    """New hits scored ``score + phrase_bonus * phrase + coverage_bonus * coverage``.

    Sorted by new score descending, ties by chunk id ascending; the input is not modified.

    Raises:
        TypeError: ``query`` not a str, an element not a Hit, a bonus not an int/float.
        ValueError: a bonus negative or not finite.
    """
    _ensure_real(phrase_bonus, "phrase_bonus", 0.0, math.inf)
    _ensure_real(coverage_bonus, "coverage_bonus", 0.0, math.inf)
    pool = list(hits)
    for hit in pool:
        if not isinstance(hit, Hit):
            raise TypeError(f"hits must be Hit objects, not {type(hit).__name__}")
    wanted = tokenize(query)
    updated = []
    for hit in pool:
        phrase, coverage = _signals(wanted, tokenize(hit.chunk.text))
        adjusted = hit.score + phrase_bonus * phrase + coverage_bonus * coverage
        updated.append(Hit(hit.chunk, adjusted))
    return _order_hits(updated)


class BM25Index:
    """An immutable Okapi BM25 index over chunks.

    Internal data: ``_items`` (input order), ``_slot_of`` (chunk id -> slot),
    ``_doc_len`` (token count per slot) and ``_inverted`` (term -> {slot: tf}).
    """

    def __init__(self, chunks: Iterable[Chunk], k1: float = 1.5, b: float = 0.75) -> None:
        """Index ``chunks``.

        Raises:
            TypeError: an element is not a Chunk; ``k1``/``b`` not an int or float.
            ValueError: duplicate chunk ids; ``k1 < 0``; ``b`` outside [0, 1]; not finite.
        """
        _ensure_real(k1, "k1", 0.0, math.inf)
        _ensure_real(b, "b", 0.0, 1.0)
        self._items: list[Chunk] = list(chunks)
        self._sat = float(k1)
        self._norm = float(b)
        self._slot_of: dict[str, int] = {}
        for slot, item in enumerate(self._items):
            if not isinstance(item, Chunk):
                raise TypeError(f"chunks must be Chunk objects, not {type(item).__name__}")
            if item.id in self._slot_of:
                raise ValueError(f"duplicate chunk id {item.id!r}")
            self._slot_of[item.id] = slot
        self._doc_len: list[int] = []
        self._inverted: dict[str, dict[int, int]] = {}
        for slot, item in enumerate(self._items):
            bag = Counter(tokenize(item.text))
            self._doc_len.append(sum(bag.values()))
            for term, tf in bag.items():
                self._inverted.setdefault(term, {})[slot] = tf
        token_sum = sum(self._doc_len)
        self._mean_len = token_sum / len(self._items) if self._items else 0.0

    def __len__(self) -> int:
        """Number of chunks indexed."""
        return len(self._items)

    @property
    def avgdl(self) -> float:
        """Mean token count of the indexed chunks (0.0 for an empty index)."""
        return self._mean_len

    def idf(self, term: str) -> float:
        """``ln((N - df + 0.5) / (df + 0.5) + 1)`` for ``term`` taken as is."""
        _ensure_text(term, "term")
        return self._idf(len(self._inverted.get(term, {})))

    def _idf(self, df: int) -> float:
        count = len(self._items)
        return math.log((count - df + 0.5) / (df + 0.5) + 1.0)

    def _weight_of(self, idf: float, tf: int, slot: int) -> float:
        """BM25 contribution of one term with ``tf`` > 0 in the chunk at ``slot``."""
        denom_scale = 1.0 - self._norm + self._norm * self._doc_len[slot] / self._mean_len
        return idf * tf * (self._sat + 1.0) / (tf + self._sat * denom_scale)

    def _score_all(self, terms: Iterable[str]) -> dict[int, float]:
        """Position -> score for every chunk containing at least one of ``terms``."""
        acc: dict[int, float] = {}
        for term in terms:
            plist = self._inverted.get(term, {})
            idf = self._idf(len(plist))
            for slot, tf in plist.items():
                part = self._weight_of(idf, tf, slot)
                acc[slot] = acc.get(slot, 0.0) + part
        return acc

    def score(self, query: str, chunk_id: str) -> float:
        """BM25 score of the chunk ``chunk_id`` for ``query``.

        Raises:
            TypeError: ``query`` is not a str.
            KeyError: no chunk has this id.
        """
        slot = self._slot_of[chunk_id]
        return self._score_all(_unique_terms(query)).get(slot, 0.0)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """At most ``k`` hits with a score > 0: score descending, then chunk id ascending.

        Raises:
            TypeError: ``query`` not a str or ``k`` not an int.
            ValueError: ``k < 1``.
        """
        _ensure_whole(k, "k", 1)
        acc = self._score_all(_unique_terms(query))
        # Every posting weighs > 0 (idf > 0, tf > 0), so each scored chunk is a hit.
        return _order_hits(Hit(self._items[pos], val) for pos, val in acc.items())[:k]


def chunk_documents(docs: Mapping[str, str], size: int, overlap: int) -> list[Chunk]:
    """Chunk every ``doc_id -> text`` of ``docs``, in the mapping's iteration order.

    Raises the same errors as :func:`chunk` (also for an empty mapping).
    """
    _validate_span(size, overlap)
    return [item for doc_id, text in docs.items() for item in chunk(text, size, overlap, doc_id)]


def chunk(text: str, size: int, overlap: int, doc_id: str = "doc") -> list[Chunk]:
    """Split ``text`` into chunks of ``size`` whitespace-separated words.

    Consecutive chunks share ``overlap`` words; the chunk that reaches the end of the text
    is the last one. A text without words gives ``[]``.

    Raises:
        TypeError: ``text``/``doc_id`` not a str, ``size``/``overlap`` not an int.
        ValueError: ``size < 1``, ``overlap < 0`` or ``overlap >= size``.
    """
    _ensure_text(text, "text")
    _ensure_text(doc_id, "doc_id")
    _validate_span(size, overlap)
    return _split_words(text.split(), size, overlap, doc_id)


def tokenize(text: str) -> list[str]:
    """Lowercase ``text``, keep maximal runs of ASCII ``a-z0-9``, drop stop words.

    Raises:
        TypeError: ``text`` is not a str.
    """
    _ensure_text(text, "text")
    return [token for token in _ALNUM_RUN.findall(text.lower()) if token not in STOP_WORDS]


def _validate_queries(queries: Sequence[Query]) -> None:
    if not queries:
        raise ValueError("queries must not be empty")
    for query in queries:
        if not query.relevant:
            raise ValueError(f"query {query.text!r} has no relevant chunk ids")


def _ids_for(index: BM25Index, text: str, k: int, rerank_depth: int | None) -> list[str]:
    if rerank_depth is None:
        hits = index.search(text, k)
    else:
        hits = rerank(text, index.search(text, rerank_depth))[:k]
    return [hit.chunk.id for hit in hits]


def _inverse_rank(ordered: Sequence[str], relevant: frozenset[str]) -> float:
    """``1 / r`` for the 1-based rank ``r`` of the first relevant id, else 0.0."""
    for rank, chunk_id in enumerate(ordered, start=1):
        if chunk_id in relevant:
            return 1.0 / rank
    return 0.0


@dataclass(frozen=True)
class Query:
    """A labelled query: its text and the ids of the chunks that answer it."""

    text: str
    relevant: frozenset[str]


def _signals(wanted: list[str], seen: list[str]) -> tuple[float, float]:
    """``(phrase, coverage)`` of a chunk for a query, each in [0, 1]."""
    unique = set(wanted)
    coverage = len(unique & set(seen)) / len(unique) if unique else 0.0
    phrase = len(wanted) >= 2 and _has_sequence(seen, wanted)
    return (1.0 if phrase else 0.0), coverage


def _has_sequence(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether ``phrase`` occurs in ``tokens`` as a contiguous run."""
    span = len(phrase)
    return any(tokens[i : i + span] == phrase for i in range(len(tokens)))


def _unique_terms(query: str) -> list[str]:
    """The unique tokens of ``query`` in first-seen order (deterministic sums)."""
    return list(dict.fromkeys(tokenize(query)))


def _order_hits(hits: Iterable[Hit]) -> list[Hit]:
    """Score descending, ties by chunk id ascending."""
    return sorted(hits, key=lambda hit: (-hit.score, hit.chunk.id))


@dataclass(frozen=True)
class Hit:
    """A chunk and its score for one query."""

    chunk: Chunk
    score: float


def _split_words(words: list[str], size: int, overlap: int, doc_id: str) -> list[Chunk]:
    return [
        Chunk(f"{doc_id}#{index}", doc_id, index, " ".join(words[start:end]), start, end)
        for index, (start, end) in enumerate(_spans(len(words), size, size - overlap))
    ]


def _spans(count: int, size: int, step: int) -> Iterable[tuple[int, int]]:
    """``(start, end)`` word ranges; the window that reaches ``count`` is the last."""
    start = 0
    while start < count:
        yield start, min(start + size, count)
        if start + size >= count:
            return
        start += step


def _validate_span(size: object, overlap: object) -> None:
    _ensure_whole(size, "size", 1)
    _ensure_whole(overlap, "overlap", 0)
    if overlap >= size:  # type: ignore[operator]  # both checked to be ints above
        raise ValueError(f"overlap must be < size, got overlap={overlap}, size={size}")


@dataclass(frozen=True)
class Chunk:
    """A window of consecutive words of one document; words ``[start, end)``."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def _ensure_real(val: object, name: str, low: float, high: float) -> None:
    """A finite ``int`` or ``float`` (``bool`` excluded) in ``[low, high]``."""
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise TypeError(f"{name} must be an int or a float, not {type(val).__name__}")
    if not (math.isfinite(val) and low <= val <= high):
        raise ValueError(f"{name} must be finite and in [{low}, {high}], got {val}")


def _ensure_whole(val: object, name: str, minimum: int) -> None:
    """An ``int`` (``bool`` excluded) that is at least ``minimum``."""
    if isinstance(val, bool) or not isinstance(val, int):
        raise TypeError(f"{name} must be an int, not {type(val).__name__}")
    if val < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {val}")


def _ensure_text(val: object, name: str) -> None:
    if not isinstance(val, str):
        raise TypeError(f"{name} must be a str, not {type(val).__name__}")
