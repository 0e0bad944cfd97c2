"""Human-friendly quantities in challenge files: durations like "4h" and sizes like "256m".

Challenge authors write these by hand, so the grammar is small and strict: one number and
one unit, no spaces, no words ("4 hours" is an error that says what to write instead).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_DURATION_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_SIZE = re.compile(r"^(\d+)([kmg])$")
_SIZE_BYTES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``"30s"``, ``"1.5m"``, ``"4h"``."""
    match = _DURATION.match(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a duration: write a number and one unit of ms, s, m, h or d, "
            'e.g. "30s" or "4h"'
        )
    seconds = float(match.group(1)) * _DURATION_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return seconds


def parse_size(text: str) -> int:
    """Bytes in a size such as ``"256m"`` (k, m and g are binary multiples)."""
    match = _SIZE.match(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f'{text!r} is not a size: write a whole number and k, m or g, e.g. "256m"')
    size = int(match.group(1)) * _SIZE_BYTES[match.group(2)]
    if size <= 0:
        raise ValueError(f"{text!r} must be larger than zero")
    return size


def _duration_text(value: object) -> object:
    if isinstance(value, str):
        parse_duration(value)
    return value


def _size_text(value: object) -> object:
    if isinstance(value, str):
        parse_size(value)
    return value


Duration = Annotated[str, BeforeValidator(_duration_text)]
"""A duration kept as written (for reports) and validated on load."""

Size = Annotated[str, BeforeValidator(_size_text)]
"""A memory size kept as written and validated on load."""
