"""Any other source, and Python that does not parse → a normalised token stream via Pygments.

The lexer is chosen by file name (plain words for an unknown kind). Comments, docstrings and
whitespace are dropped; names become ``N``, strings ``S``, numbers ``1``; keywords, operators
and punctuation keep their text. Coarser than the Python path, but every file is compared.
"""

from __future__ import annotations

import re

from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_for_filename  # type: ignore[import-untyped]
from pygments.lexers.special import TextLexer  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Keyword,
    Literal,
    Name,
    Operator,
    Punctuation,
    String,
    Text,
)
from pygments.token import _TokenType as TokenType
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

from graders.similarity.tokens import Token

_WORD = re.compile(r"\w+|[^\w\s]")


def _lexer(file_name: str) -> Lexer:
    try:
        return get_lexer_for_filename(file_name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False, ensurenl=False)


def _label(kind: TokenType, value: str) -> str | None:
    if kind in Comment or kind in String.Doc or kind in Text or not value.strip():
        return None
    if kind in Name:
        return "N"
    if kind in String or kind in Literal.String:
        return "S"
    if kind in Literal.Number:
        return "1"
    if kind in Keyword or kind in Operator or kind in Punctuation:
        return value.strip()
    return value.strip()


def lexed_tokens(file_name: str, source: str) -> list[Token]:
    """The normalised tokens of ``source``, lexed as ``file_name``'s kind of file."""
    lexer = _lexer(file_name)
    plain = isinstance(lexer, TextLexer)
    tokens: list[Token] = []
    line = 1
    for kind, value in lexer.get_tokens(source):
        if plain:
            for match in _WORD.finditer(value):
                tokens.append(
                    Token(match.group().lower(), line + value.count("\n", 0, match.start()))
                )
        else:
            label = _label(kind, value)
            if label is not None:
                tokens.append(Token(label, line + len(value) - len(value.lstrip("\n"))))
        line += value.count("\n")
    return tokens
