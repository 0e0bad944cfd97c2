"""Tokenisation: lowercase ASCII alphanumeric runs minus a fixed stop-word list."""

from __future__ import annotations

import re

from retrieval.checks import need_str

STOP_WORDS: frozenset[str] = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "he", "in",
        "is", "it", "its", "of", "on", "that", "the", "to", "was", "were", "will", "with",
    }
)  # fmt: skip

_WORD = re.compile(r"[0-9a-z]+")


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` in order, duplicates kept; TypeError if ``text`` is not a str."""
    lowered = need_str(text, "text").lower()
    return [match for match in _WORD.findall(lowered) if match not in STOP_WORDS]
