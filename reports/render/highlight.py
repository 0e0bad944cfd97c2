"""Source text highlighted one line at a time, for the code view.

Each file is lexed once and split on newlines into one HTML fragment per line, a token's class
repeated on every line it spans, so a multi-line string stays styled and every fragment is
balanced on its own (the page gives each line its own element). Classes only, never inline
styles: the stylesheet is Pygments' own, under ``.code``. The lexer is chosen by file name
only, never by guessing from content (which reads the whole file); Python goes through a
one-pass tokenizer (``python_tokens``) because Pygments' takes too long for a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from markupsafe import Markup, escape
from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import TextLexer, get_lexer_for_filename  # type: ignore[import-untyped]
from pygments.token import STANDARD_TYPES, _TokenType  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

from reports.render.python_tokens import python_tokens

HIGHLIGHT_CAP = 100_000
"""Characters past which a file is shown plain: lexing megabytes would stall the page."""


@cache
def _class(token: _TokenType) -> str:
    """The stylesheet class of a token type: its own, or its nearest styled parent's."""
    while token not in STANDARD_TYPES:
        token = token.parent
    return str(STANDARD_TYPES[token])


def _lexer(path: str, size: int) -> Lexer:
    """By file name only, never by content (guessing reads the whole file)."""
    if size > HIGHLIGHT_CAP:
        return TextLexer(stripnl=False)
    try:
        return get_lexer_for_filename(path.rsplit("/", 1)[-1], stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)


def _tokens(path: str, text: str) -> Iterable[tuple[_TokenType, str]]:
    """Python through the one-pass tokenizer (``python_tokens``), the rest through Pygments."""
    lexer = _lexer(path, len(text))
    if lexer.name == "Python":
        return python_tokens(text)
    return lexer.get_tokens(text)  # type: ignore[no-any-return]


def _split(tokens: Iterable[tuple[_TokenType, str]]) -> Iterator[Markup]:
    """One balanced HTML fragment per line of the token stream."""
    line: list[str] = []
    for token, value in tokens:
        css = _class(token)
        if "\n" not in value:  # most tokens: no split needed
            if value:
                line.append(f'<span class="{css}">{escape(value)}</span>' if css else escape(value))
            continue
        for number, piece in enumerate(value.split("\n")):
            if number:
                yield Markup("".join(line))  # noqa: S704  (every piece below is escaped)
                line = []
            if piece:
                text = escape(piece)
                line.append(f'<span class="{css}">{text}</span>' if css else str(text))
    yield Markup("".join(line))  # noqa: S704


def highlight_lines(path: str, text: str) -> list[Markup]:
    """``text`` highlighted for ``path``, one fragment per line (no line after a final
    newline, as an editor counts them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    count = text.count("\n") + 1
    try:
        lines = list(_split(_tokens(path, text)))[:count]
    except Exception:  # a lexer bug must not hide the file: show it plain
        lines = []
    if len(lines) != count:  # a lexer that did not give the text back whole
        lines = [escape(line) for line in text.split("\n")]
    return lines
