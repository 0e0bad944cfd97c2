"""k-gram fingerprints chosen by winnowing (Schleimer, Wilkerson and Aiken, 2003).

Each token text maps to 64 bits of BLAKE2b (never Python's salted ``hash()``, so fingerprints
are the same in every process and on every machine); a k-gram's hash is a polynomial over
those, modulo the Mersenne prime 2**61 - 1. In every window of ``WINDOW`` consecutive k-gram
hashes the smallest is kept (the rightmost on a tie), so any shared run of at least
``K + WINDOW - 1`` tokens yields a shared fingerprint, and no run shorter than ``K`` does.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from graders.similarity.tokens import Token

K = 20
"""Tokens per k-gram: a little over two lines of Python."""
WINDOW = 12
"""k-grams per winnowing window."""
_PRIME = (1 << 61) - 1
_BASE = 1_000_003


@dataclass(frozen=True)
class Fingerprint:
    """A winnowed k-gram: its hash, the file it is in and the span of tokens it covers."""

    hash: int
    file: int
    """Index of the file in its document's file list."""
    start: int
    """Index of the k-gram's first token in that file's stream."""
    first_line: int
    last_line: int


@lru_cache(maxsize=65536)
def token_hash(text: str) -> int:
    """A deterministic 61-bit hash of one token text."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % _PRIME


def _runs(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of tokens in one segment."""
    runs, start = [], 0
    for index in range(1, len(tokens) + 1):
        if index == len(tokens) or tokens[index].segment != tokens[start].segment:
            runs.append((start, index))
            start = index
    return runs


def kgram_hashes(tokens: Sequence[Token], k: int = K) -> list[tuple[int, int]]:
    """``(start, hash)`` of every k-gram inside one segment, in order (rolling, O(n))."""
    values = [token_hash(token.text) for token in tokens]
    top = pow(_BASE, k - 1, _PRIME)
    found: list[tuple[int, int]] = []
    for start, end in _runs(tokens):
        if end - start < k:
            continue
        current = 0
        for value in values[start : start + k]:
            current = (current * _BASE + value) % _PRIME
        found.append((start, current))
        for index in range(start + k, end):
            current = ((current - values[index - k] * top) * _BASE + values[index]) % _PRIME
            found.append((index - k + 1, current))
    return found


def winnow(hashes: Sequence[int], window: int = WINDOW) -> list[int]:
    """Positions of the hashes winnowing keeps, each once, in order (a monotonic queue)."""
    chosen: list[int] = []
    queue: deque[int] = deque()
    for index, value in enumerate(hashes):
        while queue and hashes[queue[-1]] >= value:
            queue.pop()
        queue.append(index)
        if queue[0] <= index - window:
            queue.popleft()
        if index >= window - 1 and (not chosen or chosen[-1] != queue[0]):
            chosen.append(queue[0])
    if hashes and len(hashes) < window:
        chosen.append(queue[0])
    return chosen


def fingerprints(tokens: Sequence[Token], file: int, k: int = K) -> list[Fingerprint]:
    """The winnowed fingerprints of one file's token stream."""
    grams = kgram_hashes(tokens, k)
    found = []
    for chosen in winnow([value for _, value in grams]):
        start, value = grams[chosen]
        lines = [token.line for token in tokens[start : start + k]]
        found.append(Fingerprint(value, file, start, min(lines), max(lines)))
    return found
