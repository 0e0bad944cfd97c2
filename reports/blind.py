"""Blind review: the candidate's identity removed from every string a reviewer sees.

Applied to the whole scorecard (every string field, file paths and messages included) before
anything is rendered, so the HTML, Markdown and JSON reports all come from the same cleaned
document and no renderer can forget a field.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from reports.scorecard import Scorecard

PLACEHOLDER = "[candidate]"


def blind_id(source: str) -> str:
    """A neutral, stable submission id that says nothing about the candidate."""
    return "candidate-" + hashlib.sha256(source.encode()).hexdigest()[:10]


def _pattern(tokens: Sequence[str]) -> re.Pattern[str] | None:
    if not tokens:
        return None
    alternatives = "|".join(re.escape(token) for token in tokens)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(PLACEHOLDER, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()}
    return value


def redact(card: Scorecard, tokens: Sequence[str]) -> Scorecard:
    """A copy of ``card`` with every token replaced, a neutral id and no source URL."""
    data = card.model_dump(mode="json")
    data["submission"]["id"] = blind_id(card.submission.source)
    data["submission"]["source"] = PLACEHOLDER
    data["blind"] = True
    pattern = _pattern(tokens)
    if pattern is not None:
        data = _scrub(data, pattern)
    return Scorecard.model_validate(data)
