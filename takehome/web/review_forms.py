"""A review page's form read into draft ratings: the same fields whether the page's script
sends them as it autosaves or the browser posts them without script.

Fields per human row: ``kind:ROW`` (``levels`` or ``items``), ``level:ROW``, ``items:ROW``
(repeated, one per checked item) and ``justification:ROW``; and ``version``.
"""

from __future__ import annotations

from runner.review_desk.review_page import DeskError, DraftRating, DraftRatings

MAX_ROWS = 100


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name, [])
    return values[-1] if values else ""


def version_of(form: dict[str, list[str]]) -> int:
    text = _one(form, "version")
    if not text.isdigit() or len(text) > 9:
        raise DeskError("version: missing or not a number; reload the page")
    return int(text)


def ratings_of(form: dict[str, list[str]]) -> DraftRatings:
    rows = [name.removeprefix("kind:") for name in form if name.startswith("kind:")]
    if len(rows) > MAX_ROWS:
        raise DeskError("too many rows in the form")
    ratings: dict[str, DraftRating] = {}
    for row in rows:
        level_text = _one(form, f"level:{row}").strip()
        if level_text and not (level_text.isdigit() and len(level_text) <= 3):
            raise DeskError(f"{row[:60]}: level {level_text[:20]!r} is not a number")
        items = form.get(f"items:{row}", []) if _one(form, f"kind:{row}") == "items" else None
        justification = _one(form, f"justification:{row}")
        if len(justification) > 20_000:
            raise DeskError(f"{row[:60]}: the justification is over 20,000 characters")
        ratings[row] = DraftRating(level=int(level_text) if level_text else None, items=items,
                                   justification=justification)  # fmt: skip
    return DraftRatings(ratings=ratings)
