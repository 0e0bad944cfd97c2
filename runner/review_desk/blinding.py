"""What a reviewer sees of a submission in the review app: blind by default, whatever the
scorecard was graded with.

The strings removed are those any scorecard tells (its source, ref and id, the measured
history's authors and subjects) and those the grader found in the tree when it captured the
source (``SourceSnapshot.identity``): a card graded without ``--blind`` is blinded here with
both. Paths are rewritten with file contents, so findings still land on their lines.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from markupsafe import Markup

from reports.blind import identity_told, redact, redact_source
from reports.render.code_view import code_view, render_code_view
from reports.scorecard import Scorecard
from reports.source import SourceSnapshot


def label(submission_id: int) -> str:
    """How the review app names a submission: the store's number, which says nothing."""
    return f"submission-{submission_id}"


def card_tokens(card: Scorecard, source: SourceSnapshot | None) -> list[str]:
    found = source.identity if source is not None else []
    return identity_told(card.submission, card.measurements.history, found)


def shown_card(card: Scorecard, submission_id: int, source: SourceSnapshot | None,
               blind: bool) -> Scorecard:  # fmt: skip
    return redact(card, card_tokens(card, source), label(submission_id)) if blind else card


class CodeCache:
    """Rendered code views by scorecard: a source never changes once graded, and rendering
    two thousand highlighted lines on every keystroke's reload would be wasted work."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._views: OrderedDict[tuple[str, int, bool], Markup] = OrderedDict()
        self._lock = Lock()

    def view(self, store_name: str, scorecard_id: int, card: Scorecard,
             source: SourceSnapshot, blind: bool) -> Markup:  # fmt: skip
        """``card`` is the raw scorecard: the same tokens blind the code and the findings."""
        key = (store_name, scorecard_id, blind)
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        if blind:
            tokens = card_tokens(card, source)
            source, card = redact_source(source, tokens), redact(card, tokens, "x")
        html = render_code_view(code_view(source, card))
        with self._lock:
            self._views[key] = html
            while len(self._views) > self._size:
                self._views.popitem(last=False)
        return html
