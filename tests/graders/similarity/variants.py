"""Obfuscated copies of a real solution, made the way a copier would: every transformation
keeps the program's behaviour and changes its text."""

from __future__ import annotations

import ast
import builtins
import re

SOLUTION_KEYS = (
    "            return sorted(k for k in list(self._data) if self._live(k, now) is not None)\n"
)
LOOP_KEYS = """            live = []
            for k in list(self._data):
                if self._live(k, now) is not None:
                    live.append(k)
            return sorted(live)
"""
_KEEP = set(dir(builtins)) | {"self", "cls"}


class _Renamer(ast.NodeTransformer):
    """Every name the module defines (classes, functions, arguments, locals, attributes of
    ``self``) gets a meaningless new one; builtins and imported modules keep theirs."""

    def __init__(self, tree: ast.Module) -> None:
        imported = {
            (alias.asname or alias.name).split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        self.keep = _KEEP | imported
        self.names: dict[str, str] = {}

    def new(self, name: str) -> str:
        if name in self.keep or (name.startswith("__") and name.endswith("__")):
            return name
        return self.names.setdefault(name, f"v{len(self.names)}_{name[::-1].strip('_')}x")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.new(node.arg)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
            node.attr = self.new(node.attr)
        return node

    def _define(self, node: ast.AST) -> ast.AST:
        node.name = self.new(node.name)  # type: ignore[attr-defined]
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _define


def renamed(source: str) -> str:
    """Identifiers renamed; layout and comments lost on the way (``ast.unparse``)."""
    tree = ast.parse(source)
    return ast.unparse(_Renamer(tree).visit(tree))


def reordered(source: str) -> str:
    """Functions and methods in reverse order, in the module and in each class."""
    tree = ast.parse(source)
    for node in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]:
        slots = [i for i, s in enumerate(node.body) if isinstance(s, ast.FunctionDef)]
        functions = [node.body[i] for i in slots]
        for slot, function in zip(slots, reversed(functions), strict=True):
            node.body[slot] = function
    return ast.unparse(tree)


_PADDING = [
    "pass",
    "if False:\n    print('never')",
    "unused_marker = 0",
    "'a note that does nothing'",
    "None",
]


def padded(source: str) -> str:
    """Dead and no-op statements after every statement of every function body, and dead
    code after every ``return``."""
    tree = ast.parse(source)
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        for node in [function, *ast.walk(function)]:
            for field in ("body", "orelse"):
                body = getattr(node, field, None)
                if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                    continue
                padded_body: list[ast.stmt] = []
                for number, statement in enumerate(body):
                    padded_body.append(statement)
                    padded_body.extend(ast.parse(_PADDING[number % len(_PADDING)]).body)
                    if isinstance(statement, ast.Return):
                        padded_body.extend(ast.parse("print('after return')").body)
                setattr(node, field, padded_body)
    return ast.unparse(ast.fix_missing_locations(tree))


def recommented(source: str) -> str:
    """Docstrings rewritten, comments replaced, blank lines and trailing comments added."""
    text = re.sub(r'"""(.|\n)*?"""', '"""Rewritten in my own words."""', source)
    lines = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        lines.append(line + ("  # my comment" if line.strip().endswith(")") else ""))
        if not line.strip():
            lines.append("")
    return "\n".join(lines) + "\n"


def loop_instead_of_comprehension(source: str) -> str:
    """``keys()``'s generator expression written as a loop that appends."""
    assert SOLUTION_KEYS in source
    return source.replace(SOLUTION_KEYS, LOOP_KEYS)


def extracted(source: str) -> str:
    """The body of every method of three or more statements moved into a module-level
    helper that the method calls (``return _set_impl(self, key, value, ttl)``)."""
    tree = ast.parse(source)
    helpers: list[ast.stmt] = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for method in [n for n in cls.body if isinstance(n, ast.FunctionDef)]:
            if len(method.body) < 3 or method.decorator_list:
                continue
            name = f"_{method.name.strip('_')}_impl"
            helpers.append(ast.FunctionDef(
                name=name, args=method.args, body=method.body, decorator_list=[],
                returns=None, type_params=[],
            ))  # fmt: skip
            names = [a.arg for a in method.args.args]
            call = ast.Call(ast.Name(name), [ast.Name(n) for n in names], [])
            method.body = [ast.Return(call)]
    tree.body.extend(helpers)
    return ast.unparse(ast.fix_missing_locations(tree))


def everything(source: str) -> str:
    """Every transformation above, one after the other."""
    for change in (loop_instead_of_comprehension, recommented, padded, reordered, renamed):
        source = change(source)
    return source


def everything_but_the_loop(source: str) -> str:
    """Every transformation that applies to any solution (the loop rewrite is kv-store's)."""
    for change in (recommented, padded, reordered, renamed):
        source = change(source)
    return source
