"""Any other source, and Python that does not parse → a normalised token stream via Pygments.

The lexer is chosen by file name (plain words for an unknown kind). Comments, docstrings and
whitespace are dropped; names become ``N``, strings ``S``, numbers ``1``; keywords, operators
and punctuation keep their text. Coarser than the Python path, but every file is compared.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import PurePosixPath

from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import find_lexer_class  # type: ignore[import-untyped]
from pygments.lexers._mapping import LEXERS  # type: ignore[import-untyped]
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

from graders.similarity.tokens import Token

_WORD = re.compile(r"\w+|[^\w\s]")


def _matches(name: str, pattern: str) -> bool:
    """``fnmatchcase``, which is what Pygments applies, without compiling a regular expression
    for the plain names and ``*.ext`` patterns that nearly all of its lexers declare."""
    if not any(special in pattern for special in "*?["):
        return name == pattern
    if pattern.startswith("*") and not any(special in pattern[1:] for special in "*?["):
        return name.endswith(pattern[1:])
    return fnmatchcase(name, pattern)


@lru_cache(maxsize=256)
def lexer_class(file_name: str) -> type[Lexer] | None:
    """The lexer Pygments' ``get_lexer_for_filename`` picks for ``file_name`` (the highest
    priority among those whose patterns match, an exact name before a wildcard), from its
    built-in lexers only. Pygments' own lookup first compiles a regular expression for each
    of its ~900 patterns and asks every installed package for plugin lexers, about 0.06 s per
    process, which a one-shot grade pays in full; and a plugin present on one grading host
    and not another would give the same file different tokens, so different fingerprints in
    one index."""
    name = PurePosixPath(file_name).name
    ranked: list[tuple[float, str, int, type[Lexer]]] = []
    for _module, lexer_name, _aliases, patterns, _mimetypes in LEXERS.values():
        for pattern in patterns:
            if _matches(name, pattern):
                found = find_lexer_class(lexer_name)
                bonus = 0 if "*" in pattern else 0.5
                ranked.append((found.priority + bonus, found.__name__, len(ranked), found))
    return max(ranked)[3] if ranked else None


def _lexer(file_name: str) -> Lexer:
    found = lexer_class(file_name)
    if found is None:
        return TextLexer(stripnl=False, ensurenl=False)
    return found(stripnl=False, ensurenl=False)


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
