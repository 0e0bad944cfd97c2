"""Mutation operators: the small, plausible bugs a hidden suite should notice.

Each operator looks at one node of a parsed module and offers zero or more *edits*; an edit
changes a node in place (the copy of the tree it is applied to, never the original). Sites
are addressed by their position in ``ast.walk`` order, which is the same in every deep copy
of a tree, so one parse serves every mutant of a file.

Kinds: ``arithmetic`` (``+`` ↔ ``-``, ``*`` ↔ ``//``...), ``comparison`` (``<`` ↔ ``<=``,
``==`` ↔ ``!=``, ``in`` ↔ ``not in``...), ``constant`` (numbers + 1, booleans flipped, strings
emptied; never an exception's message nor a name in ``__all__``), ``condition`` (an
``if``/``while``/ternary/``assert`` test negated, ``and`` ↔ ``or``), ``statement`` (a statement
replaced by ``pass``; never a definition, an import or ``__all__``), ``return`` (the returned
value replaced by ``None``), ``slice`` (a slice bound moved by one).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

KINDS = ("arithmetic", "comparison", "constant", "condition", "statement", "return", "slice")

_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitOr,
}
_COMPARISON: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_BODIES = ("body", "orelse", "finalbody")
_KEPT_STATEMENTS = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom,
    ast.Global, ast.Nonlocal, ast.Pass,
)  # fmt: skip
"""Never removed: removing a definition or an import only makes a NameError any suite sees."""


@dataclass(frozen=True)
class Edit:
    """One change at one site: ``apply`` edits the node at ``site`` of a copy of the tree and
    returns the node to show as the result (for the hint)."""

    kind: str
    site: int
    shown: ast.AST
    """The node whose text is shown as "before" (the statement, the operation...)."""
    apply: Callable[[ast.AST], ast.AST]


def is_docstring(statement: ast.stmt, body: list[ast.stmt]) -> bool:
    return (
        statement is body[0]
        and isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _docstring_constants(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            assert isinstance(body, list)
            if body and is_docstring(body[0], body):
                found.add(id(body[0]))
                found.add(id(body[0].value))
    return found


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside annotations: never evaluated (``from __future__ import annotations``) or
    evaluated to no effect a test sees; no mutant is made there."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
    return {id(inner) for root in roots for inner in ast.walk(root)}


def _assigns_all(node: ast.AST) -> bool:
    """``__all__ = [...]``: it only changes what ``from module import *`` takes."""
    return isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
    )


def _unjudged_strings(tree: ast.AST) -> set[int]:
    """Strings no spec fixes: an exception's message and the names in ``__all__``."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            roots.append(node.exc)
        if isinstance(node, ast.Assign) and _assigns_all(node):
            roots.append(node.value)
    return {
        id(inner)
        for root in roots
        for inner in ast.walk(root)
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str)
    }


def _slice_bounds(tree: ast.AST) -> set[int]:
    return {
        id(bound)
        for node in ast.walk(tree)
        if isinstance(node, ast.Slice)
        for bound in (node.lower, node.upper)
        if bound is not None
    }


def _new_constant(value: object) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int | float):
        return [value + 1]
    if isinstance(value, str):
        return ["" if value else "mutant"]
    return []


def _constant_edits(node: ast.Constant, site: int) -> Iterator[Edit]:
    for new in _new_constant(node.value):

        def apply(target: ast.AST, new: Any = new) -> ast.AST:
            assert isinstance(target, ast.Constant)
            target.value = new
            return target

        yield Edit("constant", site, node, apply)


def _negated(test: ast.expr) -> ast.expr:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    return ast.UnaryOp(op=ast.Not(), operand=test)


def _condition_edits(node: ast.AST, site: int) -> Iterator[Edit]:
    if isinstance(node, ast.If | ast.While | ast.IfExp | ast.Assert):

        def negate(target: ast.AST) -> ast.AST:
            target.test = _negated(target.test)  # type: ignore[attr-defined]
            return target.test  # type: ignore[attr-defined,no-any-return]

        yield Edit("condition", site, node.test, negate)
    if isinstance(node, ast.BoolOp):

        def swap(target: ast.AST) -> ast.AST:
            assert isinstance(target, ast.BoolOp)
            target.op = ast.Or() if isinstance(target.op, ast.And) else ast.And()
            return target

        yield Edit("condition", site, node, swap)


def _operator_edits(node: ast.AST, site: int) -> Iterator[Edit]:
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _ARITHMETIC:
        new_op = _ARITHMETIC[type(node.op)]

        def swap(target: ast.AST, new_op: type[ast.operator] = new_op) -> ast.AST:
            target.op = new_op()  # type: ignore[attr-defined]
            return target

        yield Edit("arithmetic", site, node, swap)
    if isinstance(node, ast.Compare):
        for position, op in enumerate(node.ops):
            new_cmp = _COMPARISON[type(op)]

            def flip(target: ast.AST, at: int = position,
                     new_cmp: type[ast.cmpop] = new_cmp) -> ast.AST:  # fmt: skip
                assert isinstance(target, ast.Compare)
                target.ops[at] = new_cmp()
                return target

            yield Edit("comparison", site, node, flip)


def _slice_edits(node: ast.Slice, site: int) -> Iterator[Edit]:
    for bound in ("lower", "upper"):
        if getattr(node, bound) is None:
            continue
        for step in (1, -1):

            def move(target: ast.AST, bound: str = bound, step: int = step) -> ast.AST:
                old = getattr(target, bound)
                if isinstance(old, ast.Constant) and type(old.value) is int:
                    new: ast.expr = ast.Constant(old.value + step)
                else:
                    new = ast.BinOp(old, ast.Add() if step > 0 else ast.Sub(), ast.Constant(1))
                setattr(target, bound, new)
                return target

            yield Edit("slice", site, node, move)


def _statement_edits(node: ast.AST, site: int) -> Iterator[Edit]:
    for field in _BODIES:
        body = getattr(node, field, None)
        if not isinstance(body, list):
            continue
        for position, statement in enumerate(body):
            if (isinstance(statement, _KEPT_STATEMENTS) or is_docstring(statement, body)
                    or _assigns_all(statement)):  # fmt: skip
                continue

            def remove(target: ast.AST, field: str = field, at: int = position) -> ast.AST:
                getattr(target, field)[at] = ast.Pass()
                return getattr(target, field)[at]  # type: ignore[no-any-return]

            yield Edit("statement", site, statement, remove)


def _return_edits(node: ast.Return, site: int) -> Iterator[Edit]:
    value = node.value
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return

    def to_none(target: ast.AST) -> ast.AST:
        assert isinstance(target, ast.Return)
        target.value = ast.Constant(None)
        return target

    yield Edit("return", site, node, to_none)


def edits(tree: ast.Module) -> list[Edit]:
    """Every edit the operators offer on ``tree``, in walk order (deterministic)."""
    skipped = _docstring_constants(tree) | _annotation_nodes(tree) | _unjudged_strings(tree)
    bounds = _slice_bounds(tree)
    found: list[Edit] = []
    for site, node in enumerate(ast.walk(tree)):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Constant) and id(node) not in bounds:
            found.extend(_constant_edits(node, site))
        if isinstance(node, ast.Slice):
            found.extend(_slice_edits(node, site))
        if isinstance(node, ast.Return):
            found.extend(_return_edits(node, site))
        found.extend(_operator_edits(node, site))
        found.extend(_condition_edits(node, site))
        found.extend(_statement_edits(node, site))
    return found
