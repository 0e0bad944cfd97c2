"""The normalised token: what fingerprints are made of, and where it came from."""

from __future__ import annotations

from typing import NamedTuple


class Token(NamedTuple):
    """One normalised token: its text (a kind, never a name or a value), its source line and
    its segment: k-grams never cross segments, so moving a function moves all of its
    fingerprints with it (Python: one per top-level statement and per method)."""

    text: str
    line: int
    segment: int = 0
