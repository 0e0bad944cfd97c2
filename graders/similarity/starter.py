"""Starter code removed by position: what the candidate was given is nobody's work.

Every k-gram of the starter's token streams (``STARTER_K`` tokens, shorter than a
fingerprint's) is hashed; in a submission, each token inside a k-gram that also occurs in the
starter is marked as starter code, and a fingerprint is dropped when at least half of its
tokens are marked. Matching by position rather than by whole fingerprint is what makes this
robust to edited starter lines: an edit breaks only the few k-grams across it, while the
tokens on both sides stay marked, so a fingerprint spanning the edit is still mostly starter.
Tokens are normalised first, so renaming the starter's names changes nothing either.
"""

from __future__ import annotations

from collections.abc import Sequence

from graders.similarity.fingerprints import Fingerprint, K, kgram_hashes
from graders.similarity.sources import SourceFile
from graders.similarity.tokens import Token

STARTER_K = K // 2
"""Tokens per starter k-gram: short enough to survive edits, long enough to be specific."""
STARTER_SHARE = 0.5
"""A fingerprint with at least this share of its tokens in starter code is dropped."""


def starter_hashes(files: Sequence[SourceFile]) -> frozenset[int]:
    """Every ``STARTER_K``-gram hash of the starter's files."""
    return frozenset(h for file in files for _, h in kgram_hashes(file.tokens, STARTER_K))


def starter_marks(tokens: Sequence[Token], starter: frozenset[int]) -> list[bool]:
    """For each token, whether it lies inside a k-gram that the starter also has."""
    marks = [False] * len(tokens)
    for start, value in kgram_hashes(tokens, STARTER_K):
        if value in starter:
            marks[start : start + STARTER_K] = [True] * STARTER_K
    return marks


def without_starter(
    tokens: Sequence[Token], prints: Sequence[Fingerprint], starter: frozenset[int]
) -> list[Fingerprint]:
    """The fingerprints of one file that are mostly not starter code."""
    if not starter:
        return list(prints)
    marks = starter_marks(tokens, starter)
    limit = STARTER_SHARE * K
    return [p for p in prints if sum(marks[p.start : p.start + K]) < limit]
