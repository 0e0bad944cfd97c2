"""What a name in candidate code refers to, as far as the syntax tree tells.

``import pytest as p``, ``T = sys.modules["unittest"].TestCase``, ``getattr(pytest, "rai" +
"ses")`` and ``importlib.import_module("_py" + "test")`` all reach the test framework; the
static scan asks this module for the dotted name behind an expression (``pytest.raises``) to
decide whether the code touches the framework. Bounded in depth: a chain of a million
attributes gives up instead of recursing.
"""

from __future__ import annotations

import ast

from graders.scan_strings import Resolver

MAX_DEPTH = 40
FRAMEWORK_ROOTS = frozenset(
    {"pytest", "_pytest", "unittest", "takehome_plugin", "pluggy", "pytest_timeout"}
)
"""Modules the hidden suite's results come through: the candidate has no business changing
them (``takehome_plugin`` is the grader's result plugin inside the container)."""
IMPORTERS = frozenset({"importlib.import_module", "__import__", "importlib.__import__"})


def is_framework(dotted: str | None) -> bool:
    """Whether a dotted name lies in a test-framework module."""
    return dotted is not None and dotted.split(".")[0] in FRAMEWORK_ROOTS


class Names:
    """Import aliases and framework-bound names of one module, and dotted-name lookup."""

    def __init__(self, tree: ast.Module, resolver: Resolver) -> None:
        self.resolver = resolver
        self.aliases: dict[str, str] = {}
        assignments: list[ast.Assign] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    self.aliases[bound] = alias.name if alias.asname else bound
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                assignments.append(node)
        for assignment in assignments:  # p = sys.modules["pytest"]: p is pytest from then on
            target = assignment.targets[0]
            if isinstance(target, ast.Name):
                dotted = self.dotted(assignment.value)
                if is_framework(dotted) and dotted is not None:
                    self.aliases[target.id] = dotted

    def dotted(self, node: ast.AST, depth: int = 0) -> str | None:
        """The dotted name an expression stands for (``pytest.raises``), or None."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.dotted(node.value, depth + 1)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, ast.Subscript) and self.dotted(node.value, depth + 1) == "sys.modules":
            return self.resolver.text(node.slice)
        if isinstance(node, ast.Call):
            return self._called(node, depth)
        return None

    def _called(self, node: ast.Call, depth: int) -> str | None:
        called = self.dotted(node.func, depth + 1)
        if called in IMPORTERS and node.args:
            return self.resolver.text(node.args[0])
        if called == "getattr" and len(node.args) >= 2:
            base, name = self.dotted(node.args[0], depth + 1), self.resolver.text(node.args[1])
            return None if base is None or name is None else f"{base}.{name}"
        if called in {"sys.modules.get", "sys.modules.pop"} and node.args:
            return self.resolver.text(node.args[0])
        return None

    def built(self, node: ast.AST) -> str | None:
        """The string an expression builds at run time from constants (not a plain literal)."""
        if isinstance(node, ast.Constant):
            return None
        return self.resolver.text(node)
