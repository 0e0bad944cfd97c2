"""A review being typed, kept answer by answer until it is stored.

``takehome review`` writes every accepted answer at once to a draft beside the scorecard
(``.review-draft-<reviewer>.json``, owner-only, replaced whole), so neither a typo, nor the
end of the input, nor a refusal when the review is stored loses what was typed; a rerun takes
up the draft where it stopped. The draft is a ratings file (``{reviewer, ratings}``), so once
finished by hand ``takehome scorecard complete --ratings`` takes it too. The answers it holds
are checked again when it is read, by the same rules as a typed answer (``reports.review``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from reports.review import (
    ReviewError,
    check_items,
    check_justification,
    check_level,
    load_ratings,
)
from reports.scorecard import HumanRow, Scorecard

Answer = int | list[str] | str
"""A level, the checklist items earned, or a justification."""


def _write_private(path: Path, text: str) -> None:
    """``text`` to ``path`` whole (a temporary file, then a rename), readable by its owner
    only: a draft is a reviewer's unsubmitted opinion."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class ReviewDraft:
    """One reviewer's answers so far to one scorecard's human rows."""

    def __init__(
        self, card: Scorecard, reviewer: str, scorecard_path: Path, fallback: Path | None = None
    ) -> None:
        """``fallback``: a directory for the draft when the scorecard's own is not writable."""
        self.reviewer = reviewer
        self.human = {row.id: row for row in card.criteria if isinstance(row, HumanRow)}
        self.rows: dict[str, dict[str, Answer]] = {row_id: {} for row_id in self.human}
        self.places = [scorecard_path.parent / f".review-draft-{reviewer}.json"]
        if fallback is not None:
            digest = hashlib.sha256(str(scorecard_path.resolve()).encode()).hexdigest()[:16]
            self.places.append(fallback / f"review-draft-{digest}-{reviewer}.json")
        self.path: Path | None = None
        """Where the draft is (found or last written); None until then."""
        self.warned = False
        """Whether the reviewer was told that no place takes the draft."""

    @property
    def answered(self) -> int:
        return sum(len(fields) for fields in self.rows.values())

    def answer(self, row_id: str, field: str) -> Answer | None:
        return self.rows[row_id].get(field)

    def load(self) -> tuple[int, int]:
        """Take up a draft left by an earlier run, if there is one: (answers kept, answers
        dropped because they no longer pass the rules, to be asked again). A draft that is
        not a ratings file is refused by name rather than overwritten."""
        found = next((place for place in self.places if os.path.lexists(place)), None)
        if found is None:
            return 0, 0
        try:
            draft = load_ratings(found)
        except ReviewError as error:
            raise ReviewError(f"{error} (a review draft: fix it, or delete it to start "
                              "over)") from None  # fmt: skip
        if draft.reviewer not in (None, self.reviewer):
            raise ReviewError(f"{found}: the draft belongs to {draft.reviewer[:70]!r}, not "
                              f"{self.reviewer!r}; delete it to start over")  # fmt: skip
        self.path, dropped = found, 0
        for row_id, given in draft.ratings.items():
            row = self.human.get(row_id)
            if row is None:
                dropped += 1
                continue
            candidates: dict[str, object] = {"justification": given.justification or None}
            candidates["level" if row.levels else "items"] = (
                given.level if row.levels else given.items
            )
            for field, value in candidates.items():
                if value is None:
                    continue
                try:
                    self.rows[row_id][field] = check_answer(row, field, value)
                except ReviewError:
                    dropped += 1
        return self.answered, dropped

    def text(self) -> str:
        return json.dumps({"reviewer": self.reviewer, "ratings": self.rows},
                          indent=2, ensure_ascii=False) + "\n"  # fmt: skip

    def keep(self, row_id: str, field: str, value: Answer) -> Path | None:
        """Record an accepted answer and write the draft at once; where it was written, or
        None when no place would take it (the answers are then only in memory)."""
        self.rows[row_id][field] = value
        return self.save()

    def save(self) -> Path | None:
        places = [self.path] if self.path is not None else []
        for place in [*places, *(p for p in self.places if p != self.path)]:
            try:
                place.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                _write_private(place, self.text())
            except OSError:
                continue
            self.path = place
            return place
        return None

    def discard(self) -> None:
        """Remove the draft: the review it held is stored."""
        for place in self.places:
            with contextlib.suppress(FileNotFoundError):
                place.unlink()
        self.path = None


def check_answer(row: HumanRow, field: str, value: object) -> Answer:
    """One answer for one field of a row, by the rules of ``reports.review``."""
    if field == "level" and isinstance(value, int) and not isinstance(value, bool):
        return check_level(row, value)
    if field == "items" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return check_items(row, value)
    if field == "justification" and isinstance(value, str):
        return check_justification(value)
    raise ReviewError(f"{row.id}: {field}: not an answer of this row")
