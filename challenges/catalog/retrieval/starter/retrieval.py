"""Lexical retrieval: chunking, BM25 ranking, re-ranking and offline evaluation.

Starter skeleton: the data classes and the stop-word list are given, every function
raises NotImplementedError. See the challenge spec for the exact behaviour of each
function; you may restructure this module (or split it into several) as long as the
public API stays the same.
"""

from __future__ import annotations

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


def tokenize(text: str) -> list[str]:
    """Lowercase, split into maximal runs of ASCII a-z/0-9, drop stop words.

    Raises:
        TypeError: text is not a str.
    """
    raise NotImplementedError


@dataclass(frozen=True)
class Chunk:
    """Words [start, end) of document doc_id; id is f"{doc_id}#{index}"."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def chunk(text: str, size: int, overlap: int, doc_id: str = "doc") -> list[Chunk]:
    """Split text into chunks of size words, consecutive chunks sharing overlap words.

    Raises:
        TypeError: text/doc_id not a str, size/overlap not an int (bool excluded).
        ValueError: size < 1, overlap < 0 or overlap >= size.
    """
    raise NotImplementedError


def chunk_documents(docs: Mapping[str, str], size: int, overlap: int) -> list[Chunk]:
    """Chunk every doc_id -> text of docs, in the mapping's iteration order."""
    raise NotImplementedError


@dataclass(frozen=True)
class Hit:
    """A chunk and its score for one query."""

    chunk: Chunk
    score: float


class BM25Index:
    """An immutable BM25 index over chunks (see the spec for the exact formula)."""

    def __init__(self, chunks: Iterable[Chunk], k1: float = 1.5, b: float = 0.75) -> None:
        """Index chunks.

        Raises:
            TypeError: an element is not a Chunk; k1/b not an int or float.
            ValueError: duplicate chunk ids; k1 < 0; b outside [0, 1]; not finite.
        """
        raise NotImplementedError

    def __len__(self) -> int:
        """Number of chunks indexed."""
        raise NotImplementedError

    @property
    def avgdl(self) -> float:
        """Mean token count of the indexed chunks (0.0 for an empty index)."""
        raise NotImplementedError

    def idf(self, term: str) -> float:
        """ln((N - df + 0.5) / (df + 0.5) + 1) for term, taken as is."""
        raise NotImplementedError

    def score(self, query: str, chunk_id: str) -> float:
        """BM25 score of the chunk chunk_id for query.

        Raises:
            KeyError: no chunk has this id.
        """
        raise NotImplementedError

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """At most k hits with score > 0: score descending, then chunk id ascending."""
        raise NotImplementedError


def rerank(
    query: str, hits: Sequence[Hit], phrase_bonus: float = 2.0, coverage_bonus: float = 1.0
) -> list[Hit]:
    """New hits scored score + phrase_bonus * phrase + coverage_bonus * coverage, re-sorted."""
    raise NotImplementedError


@dataclass(frozen=True)
class Query:
    """A labelled query: its text and the ids of the chunks that answer it."""

    text: str
    relevant: frozenset[str]


def evaluate(
    index: BM25Index, queries: Sequence[Query], k: int, rerank_depth: int | None = None
) -> dict[str, float]:
    """Return {f"recall@{k}": mean recall, "mrr": mean reciprocal rank} over queries."""
    raise NotImplementedError
