"""The lint grader: ruff over the exported tree, always with the grader's own rules.

Ruff reads the candidate's files as text and never runs them. Everything a candidate could
use to steer it is switched off: configuration files (``--isolated``), ``# noqa`` and
``# ruff: noqa`` (``--ignore-noqa``), ``.gitignore`` and ``.ignore`` files, and ruff's default
excludes (``build/``, ``.venv/``, ``dist/``...). The grader walks the tree itself and passes
every Python file by name, which ruff lints whatever its exclude settings say unless
``--force-exclude`` is given; so no directory name hides code. Symlinks are not followed: the
exporter only keeps links that stay inside the tree, so their targets are linted once, at
their real path.

Files byte-identical to the starter's file at the same path are not the candidate's work and
are left out; the starter's figures, for the deltas, cover the same paths from its side.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graders.base import StrictModel
from graders.source_files import display_path, non_blank_lines, own_files
from graders.starter_cache import StarterCache
from graders.text import clean

RUFF_TIMEOUT = 60.0
MESSAGE_CAP = 200
WORST_FILES = 10
MAX_HOTSPOTS = 20
ARGS_CHUNK = 100_000
"""Bytes of file names passed to one ruff process, well under any ``ARG_MAX``."""
DEFAULT_SELECT = ("E", "F", "W", "B", "UP", "SIM")
"""Rule families a rubric gets when it names none: errors, style, likely bugs, modernisation."""
SYNTAX_CODES = frozenset({"invalid-syntax", "syntax-error"})
"""What ruff reports for code it cannot parse instead of a rule code (E999 before 0.8)."""
_PYFLAKES_OR_E9 = re.compile(r"F\d+|E9\d*")


class LintFinding(StrictModel):
    path: str = Field(description="File relative to the submission root (posix).")
    line: int = Field(description="Line number, 1-based.")
    code: str = Field(description="Ruff rule code, or invalid-syntax.")
    message: str = Field(description="Ruff's message, cleaned of control characters, capped.")


class FileFindings(StrictModel):
    path: str = Field(description="File relative to the submission root (posix).")
    findings: int = Field(description="Ruff findings in this file.")


class LintMeasurement(StrictModel):
    files: int = Field(description="Python files linted (the candidate's own, see starter).")
    lines: int = Field(description="Non-blank lines in those files.")
    findings: int = Field(description="Ruff findings in those files.")
    errors: int = Field(
        description="Findings that break at runtime: pyflakes (F), E9 and syntax errors."
    )
    warnings: int = Field(description="All other findings (style, likely bugs, idioms).")
    per_kloc: float = Field(description="Findings per 1000 non-blank lines; 0 with no lines.")
    by_rule: dict[str, int] = Field(description="Findings per rule code.")
    starter_findings: int | None = Field(
        description="Findings in the starter's versions of the files the candidate changed or "
        "deleted; None without a starter."
    )
    added_findings: int | None = Field(
        description="findings - starter_findings; negative when the candidate fixed starter "
        "findings. None without a starter."
    )
    added_by_rule: dict[str, int] = Field(
        description="Per rule code, candidate minus starter; non-zero entries only."
    )
    worst_files: list[FileFindings] = Field(
        description=f"Files with the most findings, at most {WORST_FILES}, worst first."
    )
    hotspots: list[LintFinding] = Field(
        description=f"At most {MAX_HOTSPOTS} findings, from the worst files first."
    )

    def metrics(self) -> dict[str, float]:
        """The figures rubric thresholds use; added_findings is all findings without a starter."""
        added = self.findings if self.added_findings is None else self.added_findings
        return {
            "findings": float(self.findings),
            "errors": float(self.errors),
            "per_kloc": self.per_kloc,
            "added_findings": float(added),
        }


class _Location(BaseModel):
    model_config = ConfigDict(extra="ignore")

    row: int


class _RuffItem(BaseModel):
    """One entry of ``ruff --output-format json``; only the fields the grader reads."""

    model_config = ConfigDict(extra="ignore")

    filename: str
    code: str | None
    message: str
    location: _Location


def ruff_binary() -> str:
    """The ruff executable installed with the grader, else the one on ``PATH``."""
    try:
        from ruff import find_ruff_bin  # type: ignore[import-untyped, unused-ignore]

        found: str = find_ruff_bin()
        return found
    except (ImportError, FileNotFoundError):
        pass
    on_path = shutil.which("ruff")
    if on_path is None:
        raise RuntimeError("ruff is not installed: the lint grader cannot run")
    return on_path


def _chunks(files: Sequence[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for name in files:
        if chunk and size + len(name) + 1 > ARGS_CHUNK:
            yield chunk
            chunk, size = [], 0
        chunk.append(name)
        size += len(name) + 1
    if chunk:
        yield chunk


def _command(ruff: str, select: Sequence[str], files: Sequence[str]) -> list[str]:
    return [
        ruff, "check", "--isolated", "--no-cache", "--ignore-noqa", "--no-respect-gitignore",
        "--no-force-exclude", "--exclude", "__pycache__", "--no-fix", "--output-format", "json",
        "--exit-zero", "--target-version", "py311", "--select", ",".join(select),
        "--", *files,
    ]  # fmt: skip


def _run_ruff(root: Path, files: Sequence[str], select: Sequence[str]) -> list[LintFinding]:
    """Ruff's findings in ``files`` (relative to ``root``), in one or more processes."""
    ruff = ruff_binary()
    deadline = time.monotonic() + RUFF_TIMEOUT
    resolved = root.resolve()
    findings: list[LintFinding] = []
    for chunk in _chunks(files):
        try:
            done = subprocess.run(
                _command(ruff, select, chunk),
                cwd=resolved,
                capture_output=True,
                timeout=max(deadline - time.monotonic(), 1.0),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"ruff did not finish within {RUFF_TIMEOUT:g} s") from None
        except OSError as error:
            raise RuntimeError(f"ruff could not be started: {error}") from None
        if done.returncode != 0:
            said = clean(done.stderr.decode(errors="replace"), 100_000).split()
            reason = " ".join(said)[:MESSAGE_CAP] or "no message"
            raise RuntimeError(f"ruff failed (exit {done.returncode}): {reason}")
        passed = {os.fsencode(name).decode("utf-8", "replace"): name for name in chunk}
        findings.extend(_parse(done.stdout, resolved, passed))
    return findings


def _parse(stdout: bytes, resolved: Path, passed: dict[str, str]) -> list[LintFinding]:
    """Ruff's JSON as findings; ``passed`` maps the names as ruff prints them (lossy UTF-8)
    to the names the grader gave it."""
    try:
        items = [_RuffItem.model_validate(item) for item in json.loads(stdout)]
    except (ValueError, TypeError, ValidationError) as error:
        raise RuntimeError(f"ruff printed output the grader cannot read: {error}") from None
    findings = []
    for item in items:
        try:
            relative = Path(item.filename).relative_to(resolved).as_posix()
        except ValueError:
            relative = item.filename
        if relative not in passed:
            raise RuntimeError(f"ruff reported a file it was not given: {display_path(relative)}")
        findings.append(
            LintFinding(
                path=display_path(passed[relative]),
                line=item.location.row,
                code=item.code or "invalid-syntax",
                message=clean(item.message, MESSAGE_CAP),
            )
        )
    return findings


def is_error(code: str) -> bool:
    """Pyflakes findings, E9 and syntax errors: code that fails when it runs or is imported."""
    return code in SYNTAX_CODES or _PYFLAKES_OR_E9.fullmatch(code) is not None


def _lint(root: Path, files: Sequence[str], select: Sequence[str]) -> list[LintFinding]:
    return _run_ruff(root, files, select) if files else []


_STARTER_COUNTS: StarterCache[tuple[tuple[str, int], ...]] = StarterCache()


def _starter_counts(
    starter: Path, files: Sequence[str], select: Sequence[str]
) -> tuple[tuple[str, int], ...]:
    """Findings per rule in the starter's ``files``: the same for every submission that
    changed the same files, so ruff runs on them once."""

    def count() -> tuple[tuple[str, int], ...]:
        return tuple(sorted(Counter(f.code for f in _lint(starter, files, select)).items()))

    return _STARTER_COUNTS.get(starter, files, tuple(select), count)


def _worst(findings: Sequence[LintFinding]) -> list[FileFindings]:
    per_file = Counter(finding.path for finding in findings)
    ranked = sorted(per_file.items(), key=lambda item: (-item[1], item[0]))
    return [FileFindings(path=path, findings=count) for path, count in ranked]


def _hotspots(findings: Sequence[LintFinding], ranked: Sequence[FileFindings]) -> list[LintFinding]:
    order = {entry.path: index for index, entry in enumerate(ranked)}
    ordered = sorted(findings, key=lambda f: (order[f.path], f.line, f.code, f.message))
    return ordered[:MAX_HOTSPOTS]


def measure_lint(tree: Path, starter: Path | None, select: Sequence[str]) -> LintMeasurement:
    """Lint the candidate's own Python files in ``tree`` with the rules ``select``.

    With a ``starter``, the starter's versions of the files the candidate changed or deleted
    are linted the same way, so ``added_findings`` is what the candidate's work added.
    Raises RuntimeError when ruff cannot run: that is the grader's problem, not the
    candidate's.
    """
    if not select:
        raise ValueError("select at least one ruff rule")
    files = own_files(tree, starter)
    findings = _lint(tree, files, select)
    lines = non_blank_lines(tree, files)
    by_rule = Counter(finding.code for finding in findings)
    errors = sum(count for code, count in by_rule.items() if is_error(code))
    starter_findings = added_findings = None
    added_by_rule: dict[str, int] = {}
    if starter is not None:
        starter_by_rule = Counter(dict(_starter_counts(starter, own_files(starter, tree), select)))
        starter_findings = starter_by_rule.total()
        added_findings = len(findings) - starter_findings
        for code in sorted(by_rule.keys() | starter_by_rule.keys()):
            if by_rule[code] != starter_by_rule[code]:
                added_by_rule[code] = by_rule[code] - starter_by_rule[code]
    ranked = _worst(findings)
    return LintMeasurement(
        files=len(files),
        lines=lines,
        findings=len(findings),
        errors=errors,
        warnings=len(findings) - errors,
        per_kloc=round(len(findings) * 1000 / lines, 2) if lines else 0.0,
        by_rule=dict(sorted(by_rule.items())),
        starter_findings=starter_findings,
        added_findings=added_findings,
        added_by_rule=added_by_rule,
        worst_files=ranked[:WORST_FILES],
        hotspots=_hotspots(findings, ranked),
    )
