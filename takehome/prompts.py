"""The terminal walk through a scorecard's human rows for ``takehome review``.

Each answer is checked as it is typed, by the rules ``build_review`` applies at the end (a
level from 1 to 4, checklist ids the row has, a justification), so a typo asks that question
again instead of throwing the whole review away at the end. A line that is not UTF-8 (a
Latin-1 terminal) is asked again too, never a crash: stdin is read with ``surrogateescape``
and an escaped byte is refused by name. What was typed is never silently lost: if the input
ends early (EOF, Ctrl-C) or the review is refused afterwards, the answers so far are written
as a ratings file ``takehome scorecard complete --ratings`` takes, and the message says where.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import click
import yaml

from challenges.base_error import TakehomeError
from challenges.rubric import MAX_LEVEL
from reports.review import RatingInput, ReviewError
from reports.scorecard import HumanRow, Scorecard
from takehome.settings import data_dir

_SURROGATES = range(0xD800, 0xE000)
"""Where ``surrogateescape`` puts a byte that is not UTF-8 (U+DC80-U+DCFF)."""


def _utf8(answer: str) -> str:
    bad = next((ord(char) for char in answer if ord(char) in _SURROGATES), None)
    if bad is not None:
        raise click.UsageError(
            f"that line is not UTF-8 text (byte 0x{bad & 0xFF:02x}); set the terminal to "
            "UTF-8 or type it without that character"
        )
    return answer


def _level(answer: str) -> int:
    text = _utf8(answer).strip()
    if text not in {str(level) for level in range(1, MAX_LEVEL + 1)}:
        raise click.UsageError(f"{text[:20]!r} is not a level: type 1 to {MAX_LEVEL}")
    return int(text)


def _items(row: HumanRow) -> Callable[[str], list[str]]:
    known = [item.id for item in row.items]

    def parse(answer: str) -> list[str]:
        chosen = [part.strip() for part in _utf8(answer).split(",")]
        chosen = list(dict.fromkeys(part for part in chosen if part not in {"", "-"}))
        if unknown := [part for part in chosen if part not in known]:
            raise click.UsageError(f"{unknown[0][:60]!r} is not an item of this row "
                                   f"(items: {', '.join(known)})")  # fmt: skip
        return chosen

    return parse


def _justification(answer: str) -> str:
    if not _utf8(answer).strip():
        raise click.UsageError("a justification is required")
    return answer.strip()


def _evidence(card: Scorecard, source: str) -> str:
    if source == "tests":
        return (f"tests: {card.tests.passed} of {card.tests.total} passed, "
                f"outcome {card.outcome.value}")  # fmt: skip
    return f"{source}: see the report"


def _draft_directories() -> Iterator[Path]:
    """The data directory's ``drafts``, then the temporary directory."""
    with suppress(TakehomeError):
        yield data_dir() / "drafts"
    yield Path(tempfile.gettempdir())


class Draft:
    """The answers typed so far, row by row, as a ratings file holds them."""

    def __init__(self, card: Scorecard, reviewer: str, scorecard_path: Path) -> None:
        self.reviewer, self.scorecard_path = reviewer, scorecard_path
        self.rows: dict[str, dict[str, object]] = {
            row.id: {} for row in card.criteria if isinstance(row, HumanRow)
        }

    def keep(self, row_id: str, field: str, value: object) -> None:
        self.rows[row_id][field] = value

    def _text(self, ratings_file: str) -> str:
        command = (f"takehome scorecard complete {self.scorecard_path} --reviewer "
                   f"{self.reviewer} --ratings {ratings_file}")  # fmt: skip
        header = (f"# The ratings {self.reviewer} typed in `takehome review`, kept when it "
                  f"stopped.\n# Rate every row, then: {command}\n")  # fmt: skip
        body = {"reviewer": self.reviewer, "ratings": self.rows}
        return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)

    def save(self) -> str:
        """Write the draft into the data directory (else the temporary one); its path."""
        for where in _draft_directories():
            try:
                where.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(prefix=f"review-{self.reviewer}-",
                                                suffix=".yaml", dir=where)  # fmt: skip
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(self._text(name))
                return name
            except OSError:
                continue
        click.echo(self._text("FILE"), err=True)  # nowhere to write: the terminal keeps it
        return "the text above"

    def stopped(self, reason: str) -> ReviewError:
        """The error for a review that stopped; the answers so far saved, and where."""
        reason = reason.rstrip(".")
        if not any(self.rows.values()):
            return ReviewError(f"{reason}; nothing was typed, nothing was stored")
        return ReviewError(f"{reason}; nothing was stored, but your answers so far are kept "
                           f"in {self.save()}: finish them there and run takehome scorecard "
                           "complete with --ratings")  # fmt: skip

    @contextmanager
    def kept(self) -> Iterator[None]:
        """Run a review; whatever stops it saves the answers so far first."""
        try:
            yield
        except (click.Abort, EOFError, KeyboardInterrupt):
            raise self.stopped("the input ended before the review was complete") from None
        except TakehomeError as error:
            raise self.stopped(str(error)) from None


def _lenient_stdin() -> None:
    """stdin decoded with ``surrogateescape``: a byte that is not UTF-8 reaches ``_utf8``
    (and is asked again) instead of raising UnicodeDecodeError in the middle of a review.
    Set before the first read (Python allows no change after it) and left so: the process
    reads stdin for the review only."""
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper) and stdin.errors != "surrogateescape":
        with suppress(io.UnsupportedOperation, ValueError):  # read already: nothing to do
            stdin.reconfigure(errors="surrogateescape")


def _ask(row: HumanRow, card: Scorecard, draft: Draft) -> RatingInput:
    click.echo("")
    click.secho(f"{row.title} ({row.max_score:g} points)", bold=True)
    click.echo(row.question)
    for anchor in row.levels:
        click.echo(f"  {anchor.level}  {anchor.anchor}")
    for item in row.items:
        click.echo(f"  [{item.id}] {item.text} ({item.points:g})")
    for source in row.evidence:
        click.echo(f"  evidence: {_evidence(card, source)}")
    level: int | None = None
    items: list[str] | None = None
    if row.levels:
        level = click.prompt("level", value_proc=_level)
        draft.keep(row.id, "level", level)
    else:
        items = click.prompt("items earned (ids, comma-separated, or -)", default="-",
                             value_proc=_items(row))  # fmt: skip
        draft.keep(row.id, "items", items)
    justification = click.prompt("justification", default="", show_default=False,
                                 value_proc=_justification)  # fmt: skip
    draft.keep(row.id, "justification", justification)
    return RatingInput(level=level, items=items, justification=justification)


def prompt_ratings(card: Scorecard, draft: Draft) -> dict[str, RatingInput]:
    """Ask for a rating of every human row, in rubric order; each answer is kept in
    ``draft`` as soon as it is accepted."""
    click.echo(f"{card.challenge.title}: submission {card.submission.id}, "
               f"outcome {card.outcome.value}. Rate each row on its own.")  # fmt: skip
    _lenient_stdin()
    return {row.id: _ask(row, card, draft) for row in card.criteria
            if isinstance(row, HumanRow)}  # fmt: skip
