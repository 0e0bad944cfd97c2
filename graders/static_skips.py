"""Tests the hidden suite itself always skips, read from its syntax (never imported).

``@pytest.mark.skip`` (on the function, its class, or a module/class ``pytestmark``) and
``@unittest.skip(...)``: such a test is skipped for every candidate, so it is not scored and
never charged. Conditional marks (``skipif``) are not here: their condition runs next to
candidate code, so a skip they report counts as a failure like any other skip in the run.
The suite on the host is the one built into the image (the image tag hashes it).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from challenges.load import Challenge
from challenges.python_syntax import parse_python


def _skips(decorator: ast.expr) -> bool:
    """``pytest.mark.skip``, ``mark.skip``, ``unittest.skip(...)``, ``skip(...)``."""
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(node, ast.Attribute) and node.attr == "skip":
        owner = node.value
        return (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
            isinstance(owner, ast.Name) and owner.id in {"mark", "unittest"}
        )
    return isinstance(node, ast.Name) and node.id == "skip"


def _marked(body: list[ast.stmt]) -> bool:
    """A ``pytestmark`` assignment holding a skip mark."""
    for statement in body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark"
            for target in statement.targets
        ):
            values = statement.value
            elements = values.elts if isinstance(values, ast.List | ast.Tuple) else [values]
            if any(_skips(element) for element in elements):
                return True
    return False


def _walk(prefix: list[str], body: list[ast.stmt], skipped: bool, found: set[str]) -> None:
    skipped = skipped or _marked(body)
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            if skipped or any(_skips(d) for d in node.decorator_list):
                found.add("::".join([*prefix, node.name]))
        elif isinstance(node, ast.ClassDef):
            inherited = skipped or any(_skips(d) for d in node.decorator_list)
            _walk([*prefix, node.name], node.body, inherited, found)


@lru_cache(maxsize=32)
def _of_suite(suite_dir: Path, suite_hash: str) -> frozenset[str]:
    found: set[str] = set()
    for path in sorted(suite_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        try:
            tree = parse_python(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # the challenge loader refuses such a suite; nothing is skipped here
        _walk([path.relative_to(suite_dir).as_posix()], tree.body, False, found)
    return frozenset(found)


def statically_skipped(challenge: Challenge) -> frozenset[str]:
    """Node IDs of the tests the suite always skips."""
    return _of_suite(challenge.suite_dir, challenge.suite_hash)
