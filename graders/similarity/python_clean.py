"""Python syntax trees rewritten so that cosmetic edits leave no trace.

What goes, where the tree shows it: docstrings and bare expressions with no effect (a
constant, a name, an attribute), ``pass`` in a block with other statements, the body of an
``if``/``while`` whose test is a false constant (``if True:`` keeps only its body), statements
after ``return``/``raise``/``break``/``continue``, and a local name assigned a constant or a
name but never read in its function. Then ``python_fold`` folds loops into comprehensions and
one-use temporaries into where they are used, and ``python_match`` turns a ``match`` over
literal values into its ``if`` chain.
"""

from __future__ import annotations

import ast

from graders.similarity.python_fold import Scope, assigned_name, folded
from graders.similarity.python_match import as_if_chain

_ENDS = (ast.Return, ast.Raise, ast.Break, ast.Continue)
_BLOCKS = ("body", "orelse", "finalbody")


def _no_effect(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return isinstance(statement, ast.Expr) and isinstance(
        statement.value, ast.Constant | ast.Name | ast.Attribute
    )


def _constant_test(statement: ast.stmt) -> bool | None:
    """The truth of an ``if``/``while`` test that is a constant, else None."""
    if isinstance(statement, ast.If | ast.While) and isinstance(statement.test, ast.Constant):
        return bool(statement.test.value)
    return None


def _dead_free(statements: list[ast.stmt]) -> list[ast.stmt]:
    kept: list[ast.stmt] = []
    for statement in statements:
        truth = _constant_test(statement)
        if truth is False:
            kept.extend(_dead_free(statement.orelse))  # type: ignore[attr-defined]
        elif truth is True and isinstance(statement, ast.If):
            kept.extend(_dead_free(statement.body))
        elif not _no_effect(statement):
            kept.append(statement)
        if kept and isinstance(kept[-1], _ENDS):
            break
    return kept


def _trivial_assignment(statement: ast.stmt) -> str | None:
    """The name of ``name = constant`` or ``name = other_name``, else None."""
    name = assigned_name(statement)
    if name and isinstance(statement, ast.Assign):
        return name if isinstance(statement.value, ast.Constant | ast.Name) else None
    return None


def _drop_unused(statements: list[ast.stmt], scope: Scope) -> list[ast.stmt]:
    if not any(_trivial_assignment(s) for s in statements):
        return statements
    unused = scope.unused()
    return [s for s in statements if _trivial_assignment(s) not in unused]


def _block(statements: list[ast.stmt], scope: Scope | None) -> list[ast.stmt]:
    for statement in statements:
        _clean(statement, scope)
    statements = [as_if_chain(s) if isinstance(s, ast.Match) else s for s in statements]
    kept = folded(_dead_free(statements), scope)
    return kept if scope is None else _drop_unused(kept, scope)


def _clean(node: ast.AST, scope: Scope | None) -> None:
    """Clean the statement lists inside ``node``, innermost first (statements live only in
    statement lists, except handlers and match cases, so expressions are never walked)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        scope = Scope(node)
    elif isinstance(node, ast.ClassDef):
        scope = None
    for name in _BLOCKS:
        statements = getattr(node, name, None)
        if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
            setattr(node, name, _block(statements, scope))
    for holder in [*getattr(node, "handlers", ()), *getattr(node, "cases", ())]:
        _clean(holder, scope)


def cleaned(tree: ast.Module) -> ast.Module:
    """``tree`` rewritten in place (see the module docstring) and returned."""
    tree.body = _block(tree.body, None)
    return tree
