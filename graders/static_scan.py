"""A static scan of the exported tree for code that tries to game the grader.

The tree is read as syntax and never executed. Findings are evidence for the reviewer, never
an automatic fail: a candidate may have a good reason to use ``inspect`` or ``atexit``, and a
human should look rather than a rule decide. The patterns are in ``graders.scan_rules``:
reaching into pytest's internals or the grader's files, replacing test-framework names
(``pytest.raises``, ``unittest.TestCase.assert*``, ``sys.modules``, import hooks,
``__code__``), equality that always answers yes, and names or code built from constants at run
time (concatenation, f-strings, ``join``, base64, rot13) so that the plain text hides them.

A file the scan cannot read (bad syntax, an expression nested past the parser's limits, over
the size cap) is itself a finding: what was not scanned must not look clean.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from challenges.python_syntax import parse_python
from graders.base import StrictModel
from graders.scan_rules import ModuleScan
from graders.source_files import display_path
from graders.text import clean

MAX_FILE_BYTES = 1024 * 1024
MAX_FINDINGS = 50
DETAIL_CAP = 200


class StaticFinding(StrictModel):
    path: str = Field(description="File relative to the submission root.")
    line: int = Field(description="Line number.")
    kind: str = Field(
        description="grader-path | pytest-internals | monkeypatch | obfuscated | frames | "
        "always-equal | process | network | unreadable"
    )
    detail: str = Field(description="What was found.")

    def describe(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.detail}"


def _python_files(tree: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(tree, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if name.endswith(".py") and not path.is_symlink() and path.is_file():
                yield path


def _unreadable(error: BaseException) -> tuple[int, str]:
    """Line and reason of a file the parser refused."""
    if isinstance(error, SyntaxError):
        return error.lineno or 0, f"SyntaxError: {error.msg}"
    if isinstance(error, RecursionError):
        return 0, "nested too deeply for the parser"
    if isinstance(error, MemoryError):
        return 0, "too large for the parser"
    return 0, f"{type(error).__name__}: {error}"


def scan_file(path: Path, shown: str, network_expected: bool) -> list[StaticFinding]:
    """Findings in one file; a file that cannot be parsed is one ``unreadable`` finding."""
    found: list[StaticFinding] = []
    seen: set[tuple[int, str, str]] = set()

    def report(node: ast.AST, kind: str, detail: str) -> None:
        line = getattr(node, "lineno", 0)
        key = (line, kind, clean(detail, DETAIL_CAP))
        if key not in seen:
            seen.add(key)
            found.append(StaticFinding(path=shown, line=line, kind=kind, detail=key[2]))

    if path.stat().st_size > MAX_FILE_BYTES:
        detail = f"not scanned: over {MAX_FILE_BYTES} bytes"
        return [StaticFinding(path=shown, line=0, kind="unreadable", detail=detail)]
    try:
        syntax = parse_python(path.read_bytes())
        ModuleScan(syntax, network_expected, report).run()
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line, reason = _unreadable(error)
        detail = clean(f"not scanned: {reason}", DETAIL_CAP)
        return [*found, StaticFinding(path=shown, line=line, kind="unreadable", detail=detail)]
    return sorted(found, key=lambda f: (f.line, f.kind, f.detail))


def scan_tree(tree: Path, network_expected: bool = False) -> list[StaticFinding]:
    """Findings in every Python file of the exported tree, at most ``MAX_FINDINGS``."""
    findings: list[StaticFinding] = []
    for path in _python_files(tree):
        shown = display_path(path.relative_to(tree).as_posix())
        findings.extend(scan_file(path, shown, network_expected))
        if len(findings) >= MAX_FINDINGS:
            return findings[:MAX_FINDINGS]
    return findings
