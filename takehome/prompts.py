"""The terminal walk through a scorecard's human rows for ``takehome review``.

Each answer is checked as it is typed, by the very rules ``build_review`` applies to a whole
review (``reports.review``: a level from 1 to 4, checklist ids the row has, each once, a
justification), so a typo is explained in one line and that question asked again, never the
whole review thrown away at the end. A line that is not UTF-8 (a Latin-1 terminal) is asked
again too, never a crash: stdin is read with ``surrogateescape`` and an escaped byte is
refused by name. Every accepted answer goes at once to the review's draft
(``reports.review_draft``): if the input ends early (EOF, Ctrl-C) or the review is refused
when stored, the message says where the answers are, and a rerun takes them up.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import click

from challenges.base_error import TakehomeError
from challenges.rubric import MAX_LEVEL
from reports.review import (
    RatingInput,
    ReviewError,
    check_items,
    check_justification,
    check_level,
)
from reports.review_draft import ReviewDraft
from reports.scorecard import HumanRow, Scorecard
from takehome.settings import data_dir

_SURROGATES = range(0xD800, 0xE000)
"""Where ``surrogateescape`` puts a byte that is not UTF-8 (U+DC80-U+DCFF)."""
_NUMBER = re.compile(r"[+-]?[0-9]{1,7}")
T = TypeVar("T")
A = TypeVar("A", int, list[str], str)


def _utf8(answer: str) -> str:
    bad = next((ord(char) for char in answer if ord(char) in _SURROGATES), None)
    if bad is not None:
        raise click.UsageError(
            f"that line is not UTF-8 text (byte 0x{bad & 0xFF:02x}); set the terminal to "
            "UTF-8 or type it without that character"
        )
    return answer


def _ruled(rule: Callable[[], T]) -> T:
    """The rule's verdict on an answer; a refusal becomes click's "ask again"."""
    try:
        return rule()
    except ReviewError as error:
        raise click.UsageError(str(error)) from None


def _level(row: HumanRow) -> Callable[[str], int]:
    def parse(answer: str) -> int:
        text = _utf8(answer).strip()
        if not _NUMBER.fullmatch(text):
            raise click.UsageError(f"{text[:20]!r} is not a level: type 1 to {MAX_LEVEL}")
        return _ruled(lambda: check_level(row, int(text)))

    return parse


def _items(row: HumanRow) -> Callable[[str], list[str]]:
    def parse(answer: str) -> list[str]:
        chosen = [part.strip() for part in _utf8(answer).split(",")]
        return _ruled(lambda: check_items(row, [p for p in chosen if p not in {"", "-"}]))

    return parse


def _justification(answer: str) -> str:
    return _ruled(lambda: check_justification(_utf8(answer)))


def _evidence(card: Scorecard, source: str) -> str:
    if source == "tests":
        return (f"tests: {card.tests.passed} of {card.tests.total} passed, "
                f"outcome {card.outcome.value}")  # fmt: skip
    return f"{source}: see the report"


def drafts_directory() -> Path | None:
    """Where a draft goes when the scorecard's directory takes no file: the data
    directory's ``drafts``, if there is a data directory."""
    with suppress(TakehomeError):
        return data_dir() / "drafts"
    return None


def _where(draft: ReviewDraft) -> str:
    """The draft's place, or its text on stderr when no place would take it."""
    if draft.path is not None or draft.save() is not None:
        return str(draft.path)
    click.echo(draft.text(), err=True)  # nowhere to write: the terminal keeps it
    return "the text above"


def stopped(draft: ReviewDraft, reason: str) -> ReviewError:
    """The error for a review that stopped, saying where the answers so far are."""
    reason = reason.rstrip(".")
    if not draft.answered:
        return ReviewError(f"{reason}; nothing was typed, nothing was stored")
    return ReviewError(f"{reason}; nothing was stored, but your answers so far are kept in "
                       f"{_where(draft)}: run takehome review again to take them up")  # fmt: skip


@contextmanager
def kept(draft: ReviewDraft) -> Iterator[None]:
    """Run a review; whatever stops it says where the answers so far are kept."""
    try:
        yield
    except (click.Abort, EOFError, KeyboardInterrupt):
        raise stopped(draft, "the input ended before the review was complete") from None
    except TakehomeError as error:
        raise stopped(draft, str(error)) from None


def _lenient_stdin() -> None:
    """stdin decoded with ``surrogateescape``: a byte that is not UTF-8 reaches ``_utf8``
    (and is asked again) instead of raising UnicodeDecodeError in the middle of a review.
    Set before the first read (Python allows no change after it) and left so: the process
    reads stdin for the review only."""
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper) and stdin.errors != "surrogateescape":
        with suppress(io.UnsupportedOperation, ValueError):  # read already: nothing to do
            stdin.reconfigure(errors="surrogateescape")


def _answer(draft: ReviewDraft, row: HumanRow, field: str, ask: Callable[[], A]) -> A:
    """The draft's answer to one question if it has one, else the reviewer's, kept at once."""
    kept_answer = draft.answer(row.id, field)
    if kept_answer is not None:
        shown = ", ".join(kept_answer) or "-" if isinstance(kept_answer, list) else kept_answer
        click.echo(f"{field}: {shown}  (from your draft)")
        return kept_answer  # type: ignore[return-value]
    answer = ask()
    if draft.keep(row.id, field, answer) is None and not draft.warned:
        draft.warned = True
        click.echo("warning: no place takes the draft of this review; an interrupted "
                   "review will print it", err=True)  # fmt: skip
    return answer


def _ask(row: HumanRow, card: Scorecard, draft: ReviewDraft) -> RatingInput:
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
        level = _answer(draft, row, "level",
                        lambda: click.prompt("level", value_proc=_level(row)))  # fmt: skip
    else:
        question = "items earned (ids, comma-separated, or -)"
        items = _answer(draft, row, "items", lambda: click.prompt(
            question, default="-", value_proc=_items(row)))  # fmt: skip
    justification = _answer(draft, row, "justification", lambda: click.prompt(
        "justification", default="", show_default=False, value_proc=_justification))  # fmt: skip
    return RatingInput(level=level, items=items, justification=justification)


def prompt_ratings(card: Scorecard, draft: ReviewDraft) -> dict[str, RatingInput]:
    """Ask for a rating of every human row, in rubric order, taking up what ``draft`` kept
    from an earlier run; each answer goes to the draft as soon as it is accepted."""
    click.echo(f"{card.challenge.title}: submission {card.submission.id}, "
               f"outcome {card.outcome.value}. Rate each row on its own.")  # fmt: skip
    kept_answers, dropped = draft.load()
    if kept_answers or dropped:
        again = f"; {dropped} no longer valid, asked again" if dropped else ""
        click.echo(f"taking up your draft {draft.path}: {kept_answers} answer(s) kept{again} "
                   "(delete it to start over)")  # fmt: skip
    _lenient_stdin()
    return {row.id: _ask(row, card, draft) for row in card.criteria
            if isinstance(row, HumanRow)}  # fmt: skip
