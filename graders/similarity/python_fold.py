"""Folding what two ways of writing the same code leave different, for Python syntax trees.

``x = []`` followed by a ``for`` loop (optionally filtered by one ``if``) that only does
``x.append(e)`` becomes ``x = [e for ...]`` (the same for ``{}`` / ``d[k] = v`` and ``set()``
/ ``s.add(e)``); then a local assigned once and read once, in the very next statement, is
put where it is read (``x = value; return f(x)`` becomes ``return f(value)``). Together, a
loop and the comprehension it could have been give the same tree.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator


def nodes(root: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``root``, itself included (like ``ast.walk``, three times faster)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))


class Scope:
    """How often each local name of one function is read and assigned (counted on first
    use: most functions never need it)."""

    def __init__(self, function: ast.AST) -> None:
        self._function = function
        self._counts: tuple[Counter[str], Counter[str]] | None = None

    def _counted(self) -> tuple[Counter[str], Counter[str]]:
        if self._counts is None:
            reads: Counter[str] = Counter()
            stores: Counter[str] = Counter()
            for node in nodes(self._function):
                if isinstance(node, ast.Name):
                    (stores if isinstance(node.ctx, ast.Store) else reads)[node.id] += 1
                elif isinstance(node, ast.Global | ast.Nonlocal):
                    reads.update({name: 2 for name in node.names})
            self._counts = reads, stores
        return self._counts

    @property
    def reads(self) -> Counter[str]:
        return self._counted()[0]

    @property
    def stores(self) -> Counter[str]:
        return self._counted()[1]

    def unused(self) -> set[str]:
        return {name for name in self.stores if not self.reads[name]}


def assigned_name(statement: ast.stmt) -> str | None:
    """The name ``statement`` assigns when it is ``name = value``, else None."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    return None


def _empty(value: ast.expr) -> str | None:
    """``list``, ``dict`` or ``set`` when ``value`` is an empty one of those, else None."""
    if isinstance(value, ast.List) and not value.elts:
        return "list"
    if isinstance(value, ast.Dict) and not value.keys:
        return "dict"
    if (
        isinstance(value, ast.Call)
        and not value.args
        and not value.keywords
        and isinstance(value.func, ast.Name)
        and value.func.id in {"list", "dict", "set"}
    ):
        return value.func.id
    return None


def _method_call(statement: ast.stmt, name: str, method: str) -> ast.expr | None:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == method
        and isinstance(func.value, ast.Name)
        and func.value.id == name
        and len(call.args) == 1
        and not call.keywords
    ):
        return call.args[0]
    return None


def _element(statement: ast.stmt, name: str, kind: str) -> tuple[ast.expr, ...] | None:
    if kind == "list":
        found = _method_call(statement, name, "append")
        return None if found is None else (found,)
    if kind == "set":
        found = _method_call(statement, name, "add")
        return None if found is None else (found,)
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == name
        ):
            return (target.slice, statement.value)
    return None


def _comprehension(loop: ast.For, name: str, kind: str) -> ast.expr | None:
    if loop.orelse or len(loop.body) != 1:
        return None
    inner, ifs = loop.body[0], []
    if isinstance(inner, ast.If) and not inner.orelse and len(inner.body) == 1:
        ifs, inner = [inner.test], inner.body[0]
    element = _element(inner, name, kind)
    if element is None:
        return None
    generators = [ast.comprehension(target=loop.target, iter=loop.iter, ifs=ifs, is_async=0)]
    built: ast.expr
    if kind == "list":
        built = ast.ListComp(elt=element[0], generators=generators)
    elif kind == "set":
        built = ast.SetComp(elt=element[0], generators=generators)
    else:
        built = ast.DictComp(key=element[0], value=element[1], generators=generators)
    return ast.copy_location(built, loop)


class _Inline(ast.NodeTransformer):
    def __init__(self, name: str, value: ast.expr) -> None:
        self.name, self.value = name, value

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.value if node.id == self.name and isinstance(node.ctx, ast.Load) else node


def _loads(statement: ast.stmt, name: str) -> int:
    return sum(
        1
        for node in nodes(statement)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    )


def _fold_one(previous: ast.stmt, statement: ast.stmt, scope: Scope | None) -> str | None:
    """``"merged"`` when ``statement`` (a loop) went into ``previous``, ``"inlined"`` when
    ``previous`` (a one-use temporary) went into ``statement``, else None."""
    name = assigned_name(previous)
    if name is None or not isinstance(previous, ast.Assign):
        return None
    kind = _empty(previous.value)
    built = (
        _comprehension(statement, name, kind) if kind and isinstance(statement, ast.For) else None
    )
    if built is not None:
        previous.value = built
        if scope is not None:
            scope.reads[name] -= 1  # the append (or store) the loop made is gone
        return "merged"
    if scope and scope.reads[name] == 1 == scope.stores[name] == _loads(statement, name):
        _Inline(name, previous.value).visit(statement)
        return "inlined"
    return None


def folded(statements: list[ast.stmt], scope: Scope | None) -> list[ast.stmt]:
    """``statements`` with loops that build a collection made comprehensions and one-use
    temporaries (in a function's ``scope``) put where they are used, repeatedly
    (``t = f(); xs = []; for ...: xs.append(g(t)); return sorted(xs)`` is one statement)."""
    out: list[ast.stmt] = []
    for statement in statements:
        while out:
            done = _fold_one(out[-1], statement, scope)
            if done == "merged":
                statement = out.pop()
            elif done == "inlined":
                out.pop()
            else:
                break
        out.append(statement)
    return out
