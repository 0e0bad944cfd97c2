"""A static scan of the exported tree for code that tries to game the grader.

The tree is read as syntax and never executed. Findings are evidence for the reviewer, never
an automatic fail: a candidate may have a good reason to use ``inspect`` or ``atexit``, and a
human should look rather than a rule decide.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from graders.base import StrictModel

MAX_FILE_BYTES = 1024 * 1024
MAX_FINDINGS = 50

GRADER_PATH_HINTS = ("/opt/takehome", "takehome_report", "TAKEHOME_", "/proc/1/", "/proc/self/fd")
INTERNAL_MODULES = ("_pytest", "pluggy", "pytest_timeout")
FRAME_CALLS = {
    ("sys", "_getframe"), ("inspect", "currentframe"), ("inspect", "stack"),
    ("inspect", "getouterframes"), ("inspect", "getframeinfo"), ("sys", "settrace"),
    ("sys", "setprofile"), ("gc", "get_referrers"), ("gc", "get_objects"),
}  # fmt: skip
FRAME_ATTRIBUTES = {"f_back", "f_locals", "f_globals", "tb_frame", "gi_frame"}
PROCESS_CALLS = {
    ("os", "kill"), ("os", "killpg"), ("os", "_exit"), ("os", "abort"), ("os", "fork"),
    ("os", "setsid"), ("os", "setpgrp"), ("os", "forkpty"), ("os", "getppid"),
    ("signal", "signal"), ("atexit", "register"), ("sys", "addaudithook"),
}  # fmt: skip
NETWORK_MODULES = (
    "socket", "ssl", "urllib.request", "http.client", "ftplib", "smtplib", "telnetlib",
    "requests", "httpx", "aiohttp", "urllib3", "websocket", "websockets", "paramiko",
)  # fmt: skip


class StaticFinding(StrictModel):
    path: str = Field(description="File relative to the submission root.")
    line: int = Field(description="Line number.")
    kind: str = Field(
        description="grader-path | pytest-internals | frames | always-equal | process | network"
    )
    detail: str = Field(description="What was found.")

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.detail}"


def _dotted(node: ast.expr) -> tuple[str, str] | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id, node.attr
    return None


def _always_equal(function: ast.FunctionDef) -> bool:
    """``__eq__`` whose every return is the constant True (or ``__ne__`` always False)."""
    wanted = function.name == "__eq__"
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(r.value, ast.Constant) and r.value.value is wanted for r in returns
    )


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, network_expected: bool) -> None:
        self.path = path
        self.network_expected = network_expected
        self.found: list[StaticFinding] = []

    def _add(self, node: ast.AST, kind: str, detail: str) -> None:
        self.found.append(
            StaticFinding(path=self.path, line=getattr(node, "lineno", 0), kind=kind, detail=detail)
        )

    def _module(self, node: ast.AST, name: str) -> None:
        root = name.split(".")[0]
        if root in INTERNAL_MODULES:
            self._add(node, "pytest-internals", f"imports {name}")
        if not self.network_expected and any(
            name == module or name.startswith(module + ".") for module in NETWORK_MODULES
        ):
            self._add(node, "network", f"imports {name} in a challenge that needs no network")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.level == 0:
            self._module(node, node.module)
            if node.module == "sys" and any(a.name == "_getframe" for a in node.names):
                self._add(node, "frames", "imports sys._getframe")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        dotted = _dotted(node.func)
        if dotted in FRAME_CALLS:
            self._add(node, "frames", f"calls {'.'.join(dotted)}")
        elif dotted in PROCESS_CALLS:
            self._add(node, "process", f"calls {'.'.join(dotted)}")
        elif isinstance(node.func, ast.Name) and node.func.id == "__import__":
            self._add(node, "process", "calls __import__ (dynamic import)")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in FRAME_ATTRIBUTES:
            self._add(node, "frames", f"reads .{node.attr}")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for hint in GRADER_PATH_HINTS:
                if hint in node.value:
                    self._add(node, "grader-path", f"names {hint!r}")
                    break

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in {"__eq__", "__ne__"} and _always_equal(node):
            verdict = "True" if node.name == "__eq__" else "False"
            self._add(node, "always-equal", f"{node.name} always returns {verdict}")
        if node.name.startswith("pytest_"):
            self._add(node, "pytest-internals", f"defines pytest hook {node.name}")
        self.generic_visit(node)


def _python_files(tree: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(tree, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if (
                name.endswith(".py")
                and not path.is_symlink()
                and path.stat().st_size <= MAX_FILE_BYTES
            ):
                yield path


def scan_tree(tree: Path, network_expected: bool = False) -> list[StaticFinding]:
    """Findings in every Python file of the exported tree, at most ``MAX_FINDINGS``."""
    findings: list[StaticFinding] = []
    for path in _python_files(tree):
        relative = path.relative_to(tree).as_posix()
        try:
            syntax = ast.parse(path.read_bytes(), filename=relative)
        except (SyntaxError, ValueError):
            continue  # a file that does not parse cannot run either; the tests show it
        visitor = _Visitor(relative, network_expected)
        visitor.visit(syntax)
        findings.extend(visitor.found)
        if len(findings) >= MAX_FINDINGS:
            return findings[:MAX_FINDINGS]
    return findings
