"""Python syntax trees rewritten so that cosmetic edits leave no trace.

What goes, where the tree shows it: docstrings and bare expressions with no effect (a
constant, a name, an attribute), ``pass`` in a block with other statements, the body of an
``if``/``while`` whose test is a false constant (``if True:`` keeps only its body), statements
after ``return``/``raise``/``break``/``continue``, and a local name assigned a constant or a
name but never read in its function. Then ``python_fold`` folds loops into comprehensions and
one-use temporaries into where they are used.
"""

from __future__ import annotations

import ast
from typing import Any

from graders.similarity.python_fold import Scope, assigned_name, folded

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


def _drop_unused(statements: list[ast.stmt], unused: set[str]) -> list[ast.stmt]:
    return [
        s
        for s in statements
        if not (
            assigned_name(s) in unused
            and isinstance(s, ast.Assign)
            and isinstance(s.value, ast.Constant | ast.Name)
        )
    ]


class _Cleaner(ast.NodeTransformer):
    def __init__(self) -> None:
        self._scopes: list[Scope | None] = []

    def _blocks(self, node: ast.AST) -> None:
        scope = self._scopes[-1] if self._scopes else None
        for name in _BLOCKS:
            statements = getattr(node, name, None)
            if isinstance(statements, list) and statements and isinstance(statements[0], ast.stmt):
                kept = folded(_dead_free(statements), scope)
                if scope is not None:
                    kept = _drop_unused(kept, scope.unused())
                setattr(node, name, kept)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        self._blocks(node)
        return node

    def _scoped(self, node: ast.AST, scope: Scope | None) -> Any:
        self._scopes.append(scope)
        try:
            return self.generic_visit(node)
        finally:
            self._scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        return self._scoped(node, Scope.of(node))

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> Any:
        return self._scoped(node, Scope.of(node))

    def visit_ClassDef(self, node: ast.ClassDef) -> Any:
        return self._scoped(node, None)


def cleaned(tree: ast.Module) -> ast.Module:
    """``tree`` rewritten in place (see the module docstring) and returned."""
    result = _Cleaner().visit(tree)
    assert isinstance(result, ast.Module)
    return result
