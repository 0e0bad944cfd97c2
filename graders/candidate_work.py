"""What the candidate wrote: the one answer every measured row relies on.

Points for lint and complexity reward code the candidate wrote. A tree that is the untouched
starter, an empty tree or one with no Python file has nothing of the candidate's to measure,
and "0 findings, most complex function 0" must not read as clean, simple code. So the
measured files (every ``.py`` file not byte-identical to the starter's at the same path) come
with a verdict on whether any of them holds code of the candidate's own: a syntax tree, with
docstrings, comments and layout set aside, that is neither empty nor equal to a starter
file's (a starter file moved or re-commented is still the starter's).

It is computed once per tree and shared: the lint and complexity graders both ask for it,
and the second asks a cache keyed by the tree's files and their identity on disk.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from challenges.python_syntax import parse_python
from graders.source_files import own_files, python_files
from graders.starter_cache import StarterCache, file_stamps

MAX_PARSE_BYTES = 1024 * 1024
"""Larger files are not parsed to compare them: they count as the candidate's code."""


@dataclass(frozen=True)
class CandidateWork:
    """The candidate's Python files and whether any of them holds code of their own."""

    files: tuple[str, ...]
    """``.py`` files new or changed against the starter (relative posix paths): measured."""
    replaced: tuple[str, ...]
    """Starter ``.py`` files the candidate changed or deleted: measured for the deltas."""
    nothing_written: str | None
    """Why nothing here is the candidate's code, or None when something is."""


def _docstring(body: list[ast.stmt]) -> bool:
    first = body[0] if body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


_WITH_DOCSTRINGS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, _WITH_DOCSTRINGS) and _docstring(node.body):
            del node.body[0]


def code_shape(data: bytes) -> str | None:
    """The file's code without docstrings, comments or layout ("" when it holds no statement);
    None when it cannot be read as Python here (too large, bad syntax, nested too deep)."""
    if len(data) > MAX_PARSE_BYTES:
        return None
    try:
        tree = parse_python(data)
        _strip_docstrings(tree)
        return ast.dump(tree) if isinstance(tree, ast.Module) and tree.body else ""
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_STARTER_SHAPES: StarterCache[frozenset[str]] = StarterCache()


def _starter_shapes(starter: Path) -> frozenset[str]:
    """The code shapes of every starter file, to recognise a starter file wherever it moved."""
    files = list(python_files(starter))

    def shapes() -> frozenset[str]:
        found = (code_shape((starter / name).read_bytes()) for name in files)
        return frozenset(shape for shape in found if shape)

    return _STARTER_SHAPES.get(starter, files, "shapes", shapes)


def _writes_code(tree: Path, files: Sequence[str], starter_shapes: frozenset[str]) -> bool:
    for name in files:
        data = (tree / name).read_bytes()
        shape = code_shape(data)
        if shape is None and data.strip():
            return True  # unreadable here but not empty: the candidate's, measured as is
        if shape and shape not in starter_shapes:
            return True
    return False


def _why_nothing(tree: Path, starter: Path | None, files: Sequence[str]) -> str:
    if files:
        return "the candidate's Python files hold no code of their own (only blank lines, "\
            "comments, docstrings or starter code)"  # fmt: skip
    if starter is not None and next(python_files(tree), None) is not None:
        return "every Python file is the starter's, unchanged"
    return "the submission has no Python file"


def _compute(tree: Path, starter: Path | None) -> CandidateWork:
    files = tuple(own_files(tree, starter))
    replaced = tuple(own_files(starter, tree)) if starter is not None else ()
    shapes = _starter_shapes(starter) if starter is not None else frozenset()
    written = _writes_code(tree, files, shapes)
    return CandidateWork(
        files=files,
        replaced=replaced,
        nothing_written=None
        if written
        else f"nothing to measure: {_why_nothing(tree, starter, files)}",
    )


_WORK: StarterCache[CandidateWork] = StarterCache(size=16)


def candidate_work(tree: Path, starter: Path | None) -> CandidateWork:
    """What the candidate wrote in ``tree`` against ``starter``, computed once per tree state."""
    starter_key = None
    if starter is not None:
        starter_key = (str(starter.resolve()), file_stamps(starter, list(python_files(starter))))
    return _WORK.get(tree, list(python_files(tree)), starter_key, lambda: _compute(tree, starter))
