"""How a canary is cut from a real test: the added wrong expectation in each style, and the
prefix of the test with its own checks turned into plain evaluations (see canaries.py).

Standard library only: this runs inside the run image.
"""

import ast
import copy
import random

_RANDOM = random.SystemRandom()
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _token():
    return "".join(_RANDOM.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(12))


def _wrong(expected):
    return ast.Tuple(elts=[copy.deepcopy(expected), ast.Constant(_token())], ctx=ast.Load())


def _walk_scope(node):
    """Nodes of a function body without descending into nested scopes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, _SCOPES):
            stack.extend(ast.iter_child_nodes(child))


def usable(function, node_id, tripwire):
    if not isinstance(function, ast.FunctionDef) or function.decorator_list:
        return False
    if not function.name.startswith("test") or node_id == tripwire:
        return False
    exits = (ast.Return, ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal)
    return not any(isinstance(node, exits) for node in _walk_scope(function))


def _simple(expression):
    banned = (ast.Lambda, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await, ast.Starred)
    return not any(isinstance(node, banned) for node in ast.walk(expression))


def _is_call_to(node, names):
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id in names) or (
        isinstance(func, ast.Attribute) and func.attr in names
    )


def _raises(with_item):
    """The exception of ``raises(E, ...)`` / ``self.assertRaises(E)`` with-items."""
    call = with_item.context_expr
    if _is_call_to(call, ("raises", "assertRaises")) and call.args:
        return call
    return None


class Helpers:
    """Which names of a module are pytest's ``raises``/``approx``, and whether ``self`` is a
    unittest.TestCase: a canary leans on those helpers failing, so a helper of the suite's
    own that merely shares a name (and might not fail) is never used."""

    def __init__(self, tree, owner=None):
        self.modules, self.names = set(), {"raises": set(), "approx": set()}
        for node in tree.body:
            if isinstance(node, ast.Import):
                self.modules |= {a.asname or a.name for a in node.names if a.name == "pytest"}
            elif isinstance(node, ast.ImportFrom) and node.module == "pytest":
                for alias in node.names:
                    if alias.name in self.names:
                        self.names[alias.name].add(alias.asname or alias.name)
        self.unittest = owner is not None and is_test_case(owner, tree)

    def is_pytest(self, call, name):
        func = call.func if isinstance(call, ast.Call) else None
        if isinstance(func, ast.Attribute):
            return func.attr == name and getattr(func.value, "id", None) in self.modules
        return isinstance(func, ast.Name) and func.id in self.names[name]

    def is_unittest(self, call, name):
        func = call.func if isinstance(call, ast.Call) else None
        return (
            self.unittest
            and isinstance(func, ast.Attribute)
            and func.attr == name
            and getattr(func.value, "id", None) == "self"
        )


def is_test_case(cls, tree, depth=3):
    """A class deriving (through classes of its module) from something called *TestCase."""
    for base in cls.bases:
        name = getattr(base, "attr", None) or getattr(base, "id", "")
        if name.endswith("TestCase"):
            return True
        local = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
        if depth and local and is_test_case(local[0], tree, depth - 1):
            return True
    return False


def hooks_in(statement, helpers):
    """(style, added statement) pairs this top-level statement of a test allows."""
    found = []
    if isinstance(statement, ast.Assert) and isinstance(statement.test, ast.Compare):
        test = statement.test
        if len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) and _simple(test):
            left, right = test.left, test.comparators[0]
            if helpers.is_pytest(right, "approx"):
                nan = ast.Call(ast.Name("float", ast.Load()), [ast.Constant("nan")], [])
                wrong = ast.Call(copy.deepcopy(right.func), [nan], [])
                found.append(("approx", ast.Assert(ast.Compare(left, [ast.Eq()], [wrong]))))
            else:
                found.append(("eq", ast.Assert(ast.Compare(left, [ast.Eq()], [_wrong(right)]))))
    if (
        isinstance(statement, ast.Expr)
        and helpers.is_unittest(statement.value, "assertEqual")
        and len(statement.value.args) == 2
        and not statement.value.keywords
        and _simple(statement.value)
    ):
        call = statement.value
        added = ast.Call(call.func, [call.args[0], _wrong(call.args[1])], [])
        found.append(("unittest_eq", ast.Expr(added)))
    nodes = [] if isinstance(statement, _SCOPES) else [statement, *_walk_scope(statement)]
    for node in nodes:
        for item in node.items if isinstance(node, ast.With) else ():
            call = _raises(item)
            if call is None or not _simple(call.args[0]):
                continue
            unittest = helpers.is_unittest(call, "assertRaises")
            if unittest or helpers.is_pytest(call, "raises"):
                added = ast.Call(call.func, [call.args[0]], [])
                style = "unittest_raises" if unittest else "raises"
                found.append((style, ast.With([ast.withitem(added)], [ast.Pass()])))
    return found


def _operands(test):
    """The parts of an assertion that do work: calls whose side effects the test relies on."""
    if isinstance(test, ast.Compare):
        parts = [test.left, *test.comparators]
    elif isinstance(test, ast.BoolOp):
        parts = list(test.values)
    elif isinstance(test, ast.UnaryOp):
        parts = [test.operand]
    else:
        parts = [test]
    return [
        ast.Expr(part)
        for part in parts
        if not _is_call_to(part, ("approx",))
        and any(isinstance(node, ast.Call) for node in ast.walk(part))
    ]


class Unchecked(ast.NodeTransformer):
    """The prefix's own checks become plain evaluations (``assert s.pop() == 1`` ->
    ``s.pop()``; ``with raises(E): body`` -> ``try: body except E: pass``): the same work
    in the same order, but a lying helper is not stopped before it reaches the wrong
    expectation. An honest run still fails there, or earlier."""

    def _keep(self, node):
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _keep

    def visit_Assert(self, node):
        return _operands(node.test)

    def visit_Expr(self, node):
        call = node.value
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "").startswith("assert"):
            return [s for arg in call.args for s in _operands(arg)]
        return self.generic_visit(node)

    def visit_With(self, node):
        self.generic_visit(node)
        checks = [item for item in node.items if _raises(item) is not None]
        if not checks:
            return node
        others = [item for item in node.items if _raises(item) is None]
        body = [ast.With(others, node.body)] if others else node.body
        handler = ast.ExceptHandler(_raises(checks[0]).args[0], None, [ast.Pass()])
        return ast.Try(body, [handler], [], [])


def never_empty(statements):
    for node in ast.walk(ast.Module(statements, [])):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and field == "body" and not block:
                block.append(ast.Pass())
    return statements
