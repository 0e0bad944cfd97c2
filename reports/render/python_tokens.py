"""Python source split into Pygments token types in one regular-expression pass.

Pygments' own Python lexer tries its rules one by one at every position: about 55 ms for
2,000 lines here, more than a review page can spend. This one alternation, matched by ``re``
in C, gives the same token types (hence the same stylesheet classes) for what a reader
tells apart: keywords, names of functions and classes, builtins, strings and docstrings,
numbers, comments, decorators, operators. Any text it does not classify is plain text, so
the file always comes back whole; a misjudged token is a colour, never a lost character.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Iterator
from typing import Any

from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
)

_STRING_BODY = (
    r"'''(?:\\.|[^\\])*?(?:'''|\Z)"
    r'|"""(?:\\.|[^\\])*?(?:"""|\Z)'
    r"|'(?:\\.|[^'\\\n])*'?"
    r'|"(?:\\.|[^"\\\n])*"?'
)
_PATTERN = re.compile(
    r"(?P<comment>#[^\n]*)"
    rf"|(?P<string>(?<![\w])(?:[rRbBuUfF]{{1,2}})?(?:{_STRING_BODY}))"
    r"|(?P<decorator>(?:(?<=\n)|^)[ \t]*@[^\W\d][\w.]*)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<number>(?<![\w.])(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)"
    r"(?:[eE][+-]?\d+)?[jJ]?))"
    r"|(?P<punctuation>[()\[\]{},;:.])"
    r"|(?P<operator>[-+*/%&|^~<>=!@]+)",
    re.DOTALL,
)
_WORD_OPERATORS = frozenset({"and", "or", "not", "in", "is"})
_CONSTANTS = frozenset({"True", "False", "None"})
_NAMESPACE = frozenset({"import", "from"})
_KEYWORDS = frozenset(keyword.kwlist) - _WORD_OPERATORS - _CONSTANTS - _NAMESPACE
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_PSEUDO = frozenset({"self", "cls"})


def _name(word: str, previous: str) -> Any:
    if previous == "def":
        return Name.Function
    if previous == "class":
        return Name.Class
    if word in _KEYWORDS:
        return Keyword
    if word in _WORD_OPERATORS:
        return Operator.Word
    if word in _CONSTANTS:
        return Keyword.Constant
    if word in _NAMESPACE:
        return Keyword.Namespace
    if word in _PSEUDO:
        return Name.Builtin.Pseudo
    return Name.Builtin if word in _BUILTINS else Name


def _string(text: str, start: int, value: str) -> Any:
    """A triple-quoted string alone at the start of its line is documentation."""
    if not value.lstrip("rRbBuUfF").startswith(('"""', "'''")):
        return String.Double if value.rstrip("'").endswith('"') else String.Single
    line_start = text.rfind("\n", 0, start) + 1
    return String.Doc if not text[line_start:start].strip() else String.Double


def python_tokens(text: str) -> Iterator[tuple[Any, str]]:
    """(token type, text) pairs that concatenate back to ``text`` exactly."""
    position, previous = 0, ""
    for match in _PATTERN.finditer(text):
        start, value, kind = match.start(), match.group(), match.lastgroup
        if start > position:
            yield Text, text[position:start]
        position = match.end()
        if kind == "name":
            yield _name(value, previous), value
            previous = value
            continue
        previous = ""
        if kind == "comment":
            yield Comment.Single, value
        elif kind == "string":
            yield _string(text, start, value), value
        elif kind == "decorator":
            yield Name.Decorator, value
        elif kind == "number":
            yield Number, value
        elif kind == "punctuation":
            yield Punctuation, value
        else:
            yield Operator, value
    if position < len(text):
        yield Text, text[position:]
