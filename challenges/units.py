"""Human-friendly quantities in challenge files: durations like "4h" and sizes like "256m".

Challenge authors write these by hand, so the grammar is small and strict: one number and
one unit, no spaces, no words ("4 hours" is an error that says what to write instead).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

_DURATION = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")
_DURATION_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_SIZE = re.compile(r"([0-9]+)([kmg])")
_MAX_DIGITS = 30
"""Longer numbers are far beyond any maximum (and ``int()`` refuses thousands of digits)."""
_SIZE_BYTES = {"k": 1024, "m": 1024**2, "g": 1024**3}

MAX_DURATION = 366 * 86400.0
"""No duration in a challenge is longer than a year: one that is disables what it limits, and
date arithmetic with it overflows the calendar."""
MIN_DURATION = 0.001
MAX_SIZE = 1024**4
"""1 TiB: a larger size is a typo, and overflows what the container engine takes."""


def _shown(text: str) -> str:
    """The value as written, shortened: a 5,000-character value is not repeated back."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``"30s"``, ``"1.5m"``, ``"4h"``."""
    match = _DURATION.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{_shown(str(text))} is not a duration: write a number and one unit of ms, s, m, "
            'h or d, e.g. "30s" or "4h"'
        )
    # float() of 400 digits is inf, which is refused as too long below, like any huge number
    seconds = float(match.group(1)) * _DURATION_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{_shown(text)} must be longer than zero")
    if seconds < MIN_DURATION:
        raise ValueError(f"{_shown(text)} must be at least 1ms")
    if seconds > MAX_DURATION:
        raise ValueError(f"{_shown(text)} is longer than the maximum of 366d")
    return seconds


def parse_size(text: str) -> int:
    """Bytes in a size such as ``"256m"`` (k, m and g are binary multiples)."""
    match = _SIZE.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f'{_shown(str(text))} is not a size: write a whole number and k, m or g, e.g. "256m"'
        )
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        raise ValueError(f"{_shown(text)} is larger than the maximum of 1024g")
    size = int(digits) * _SIZE_BYTES[match.group(2)]
    if size <= 0:
        raise ValueError(f"{_shown(text)} must be larger than zero")
    if size > MAX_SIZE:
        raise ValueError(f"{_shown(text)} is larger than the maximum of 1024g")
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
