"""Fixed-size word windows with overlap."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from retrieval.checks import need_int, need_str


@dataclass(frozen=True)
class Chunk:
    """Words ``[start, end)`` of document ``doc_id``."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def _validated_window(size: object, overlap: object) -> tuple[int, int]:
    width = need_int(size, "size", at_least=1)
    shared = need_int(overlap, "overlap", at_least=0)
    if shared >= width:
        raise ValueError(f"overlap ({shared}) must be smaller than size ({width})")
    return width, width - shared


def chunk(text: str, size: int, overlap: int, doc_id: str = "doc") -> list[Chunk]:
    """Overlapping windows of ``size`` words; the window reaching the end is the last."""
    words = need_str(text, "text").split()
    need_str(doc_id, "doc_id")
    width, stride = _validated_window(size, overlap)
    if not words:
        return []
    # Number of windows: the first, then one per stride until a window reaches the end.
    count = 1 + max(0, -(-(len(words) - width) // stride))
    pieces = []
    for index in range(count):
        start = index * stride
        end = min(start + width, len(words))
        pieces.append(
            Chunk(f"{doc_id}#{index}", doc_id, index, " ".join(words[start:end]), start, end)
        )
    return pieces


def chunk_documents(docs: Mapping[str, str], size: int, overlap: int) -> list[Chunk]:
    """Every document's chunks, documents in the mapping's order."""
    _validated_window(size, overlap)
    pieces: list[Chunk] = []
    for doc_id, text in docs.items():
        pieces.extend(chunk(text, size, overlap, doc_id))
    return pieces
