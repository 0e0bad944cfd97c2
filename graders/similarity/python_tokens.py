"""Python source → a normalised token stream, through the standard ``ast`` (and its tokenizer).

The tree is cleaned first (``python_clean``), then walked in field order: one token per node
kind, so layout, comments and docstrings leave nothing. Identifiers become ``Name`` (builtins
such as ``len`` keep their name: a renamer leaves them), attribute and argument names vanish,
literals keep only their type, and type annotations are dropped (adding or removing them is a
cosmetic edit). Each block ends with a ``}`` token so nesting shows in the stream.
"""

from __future__ import annotations

import ast
import builtins
import warnings

from challenges.python_syntax import parse_python
from graders.similarity.python_clean import cleaned
from graders.similarity.tokens import Token

_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_SKIPPED_FIELDS = frozenset({"annotation", "returns", "type_comment", "ctx", "type_params"})


def _constant(value: object) -> str:
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return f"Constant:{value!r}"
    if isinstance(value, int | float | complex):
        return "Constant:number"
    return "Constant:" + type(value).__name__


def _label(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return f"Name:{node.id}" if node.id in _BUILTINS else "Name"
    if isinstance(node, ast.Constant):
        return _constant(node.value)
    if isinstance(node, ast.GeneratorExp):
        return "ListComp"  # sorted(x for ...) and sorted([x for ...]) are the same code
    return type(node).__name__


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_Kind = tuple[str | None, tuple[str, ...], bool]
_KINDS: dict[type[ast.AST], _Kind] = {}
"""Per node type: its fixed label (None: depends on the node), the fields walked, and
whether it opens a segment."""


def _kind(node_type: type[ast.AST]) -> _Kind:
    fields = tuple(name for name in node_type._fields if name not in _SKIPPED_FIELDS)
    fixed = node_type not in (ast.Name, ast.Constant, ast.GeneratorExp)
    label = node_type.__name__ if fixed else None
    return _KINDS.setdefault(node_type, (label, fields, issubclass(node_type, _DEFINITIONS)))


class _Emitter:
    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.segment = 0

    def walk(self, node: ast.AST, line: int) -> None:
        label, fields, opens = _KINDS.get(type(node)) or _kind(type(node))
        line = getattr(node, "lineno", line)
        if opens:
            self.segment += 1
        self.tokens.append(Token(label or _label(node), line, self.segment))
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                if not value:
                    continue
                for item in value:
                    if isinstance(item, ast.AST):
                        self.walk(item, line)
                if isinstance(value[0], ast.stmt):
                    end = getattr(value[-1], "end_lineno", line) or line
                    self.tokens.append(Token("}", end, self.segment))
            elif isinstance(value, ast.AST):
                self.walk(value, line)


def python_tokens(source: str) -> list[Token]:
    """The normalised tokens of ``source``; raises ``SyntaxError`` (or ``ValueError``,
    ``RecursionError``) when it does not parse, for the caller to fall back to a lexer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        tree = parse_python(source)
    emitter = _Emitter()
    for statement in cleaned(tree).body:
        emitter.segment += 1
        emitter.walk(statement, 1)
    return emitter.tokens
