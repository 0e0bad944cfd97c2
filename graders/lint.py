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
are left out; the starter's figures, for the deltas, cover the same paths from its side. Which
files those are, and whether they hold any code of the candidate's, is decided once for both
measured graders (``graders.candidate_work``): with nothing written the row scores nothing.
A file ruff crashes on or cannot read is listed as unlinted, and the row is not scored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from graders.base import StrictModel
from graders.candidate_work import candidate_work
from graders.ruff_run import MESSAGE_CAP, run_ruff
from graders.source_files import display_path, non_blank_lines
from graders.starter_cache import StarterCache
from graders.text import clean

WORST_FILES = 10
MAX_HOTSPOTS = 20
MAX_UNLINTED = 20
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


class UnlintedFile(StrictModel):
    path: str = Field(description="File relative to the submission root (posix).")
    reason: str = Field(description="Why ruff could not lint it (crash, unreadable, timeout).")


@dataclass(frozen=True)
class _Linted:
    findings: list[LintFinding]
    failed: dict[str, str]


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
    nothing_written: str | None = Field(
        default=None,
        description="Why none of these files holds code of the candidate's own (untouched "
        "starter, no Python file...), if so: the row then scores 0. Shared with complexity.",
    )
    unlinted: list[UnlintedFile] = Field(
        default_factory=list,
        description=f"Files ruff crashed on or could not read, at most {MAX_UNLINTED}: the "
        "row is then not scored.",
    )
    unlinted_count: int = Field(default=0, description="All files ruff could not lint.")

    def unmeasured(self) -> str | None:
        """Why the figures cannot score although the candidate wrote code, if they cannot."""
        if not self.unlinted:
            return None
        first = self.unlinted[0]
        more = f" and {self.unlinted_count - 1} more file(s)" if self.unlinted_count > 1 else ""
        return f"ruff could not lint {first.path} ({first.reason}){more}"

    def metrics(self) -> dict[str, float]:
        """The figures rubric thresholds use; added_findings is all findings without a starter."""
        added = self.findings if self.added_findings is None else self.added_findings
        return {
            "findings": float(self.findings),
            "errors": float(self.errors),
            "per_kloc": self.per_kloc,
            "added_findings": float(added),
        }


def _findings(root: Path, files: Sequence[str], select: Sequence[str]) -> _Linted:
    """Ruff's findings in ``files`` under ``root``, and the files ruff could not lint."""
    if not files:
        return _Linted([], {})
    output = run_ruff(root, files, select)
    findings = [
        LintFinding(
            path=display_path(name),
            line=item.location.row,
            code=item.code or "invalid-syntax",
            message=clean(item.message, MESSAGE_CAP),
        )
        for name, item in output.items
    ]
    return _Linted(findings, output.failed)


def is_error(code: str) -> bool:
    """Pyflakes findings, E9 and syntax errors: code that fails when it runs or is imported."""
    return code in SYNTAX_CODES or _PYFLAKES_OR_E9.fullmatch(code) is not None


_STARTER_COUNTS: StarterCache[tuple[tuple[str, int], ...]] = StarterCache()


def _starter_counts(
    starter: Path, files: Sequence[str], select: Sequence[str]
) -> tuple[tuple[str, int], ...]:
    """Findings per rule in the starter's ``files``: the same for every submission that
    changed the same files, so ruff runs on them once."""

    def count() -> tuple[tuple[str, int], ...]:
        found = _findings(starter, files, select).findings
        return tuple(sorted(Counter(f.code for f in found).items()))

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
    Raises RuntimeError when ruff cannot run at all: that is the grader's problem, not the
    candidate's; a file ruff fails on is the candidate's, listed in ``unlinted``.
    """
    if not select:
        raise ValueError("select at least one ruff rule")
    work = candidate_work(tree, starter)
    files = list(work.files)
    linted = _findings(tree, files, select)
    findings = linted.findings
    lines = non_blank_lines(tree, files)
    by_rule = Counter(finding.code for finding in findings)
    errors = sum(count for code, count in by_rule.items() if is_error(code))
    starter_findings = added_findings = None
    added_by_rule: dict[str, int] = {}
    if starter is not None:
        starter_by_rule = Counter(dict(_starter_counts(starter, work.replaced, select)))
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
        nothing_written=work.nothing_written,
        unlinted=[
            UnlintedFile(path=display_path(name), reason=clean(reason, MESSAGE_CAP))
            for name, reason in sorted(linted.failed.items())[:MAX_UNLINTED]
        ],
        unlinted_count=len(linted.failed),
    )
