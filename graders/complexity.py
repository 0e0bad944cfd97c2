"""The complexity grader: radon's cyclomatic complexity, maintainability index and raw sizes.

Radon reads the candidate's files as syntax (``ast``) and tokens and never runs them. Each file
is parsed once and the tree handed to radon's visitors: the figures are those of
``cc_visit`` and ``mi_visit(code, multi=True)``, without parsing every file three times.
A file radon cannot read (a syntax error, a bad encoding, a parse too deep) is listed as
unparsable, never fatal: code with no measurable complexity must not look simple, so the row
is then not scored and the file is named in a flag.

The files measured are the lint grader's, decided once for both (``graders.candidate_work``):
the candidate's own ``.py`` files, symlinks not followed, files byte-identical to the
starter's left out; with no code of the candidate's among them the row scores nothing. The
starter's versions of the files the candidate changed or deleted are measured the same way
for the deltas, so a starter measured against itself has every delta 0.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field
from radon.complexity import cc_rank
from radon.metrics import h_visit_ast, mi_compute, mi_rank
from radon.raw import analyze
from radon.visitors import ComplexityVisitor

from challenges.python_syntax import parse_python
from graders.base import StrictModel
from graders.candidate_work import candidate_work
from graders.source_files import display_path
from graders.starter_cache import StarterCache

MAX_FILE_BYTES = 1024 * 1024
MAX_HOTSPOTS = 20
MAX_FILES_LISTED = 50
EMPTY_MI = 100.0
"""Radon's maintainability index of empty code, used when no file could be measured."""


class FunctionComplexity(StrictModel):
    path: str = Field(description="File relative to the submission root (posix).")
    name: str = Field(description="Function name; Class.method for methods, outer.inner nested.")
    line: int = Field(description="Line of the def.")
    cc: int = Field(description="Cyclomatic complexity (radon).")
    rank: str = Field(description="Radon rank A (1-5) to F (41+).")


class FileMaintainability(StrictModel):
    path: str = Field(description="File relative to the submission root (posix).")
    mi: float = Field(description="Maintainability index 0-100 (radon, docstrings as comments).")
    rank: str = Field(description="Radon rank: A above 19, B above 9, C 9 and below.")


class RawSize(StrictModel):
    loc: int = Field(description="Lines, all kinds.")
    lloc: int = Field(description="Logical lines (statements).")
    sloc: int = Field(description="Source lines: not blank, not only a comment or docstring.")
    comments: int = Field(description="Comment lines.")
    multi: int = Field(description="Lines of multi-line strings (docstrings mostly).")
    blank: int = Field(description="Blank lines.")
    comment_ratio: float = Field(description="(comments + multi) / sloc, 0 with no sloc.")


class ComplexityMeasurement(StrictModel):
    files: int = Field(description="Python files examined (the candidate's own, see starter).")
    unparsable: list[str] = Field(
        description=f"Files radon could not read or over {MAX_FILE_BYTES} bytes, at most "
        f"{MAX_FILES_LISTED}."
    )
    functions: int = Field(description="Functions and methods, nested ones included.")
    mean_cc: float = Field(description="Mean cyclomatic complexity per function; 0 with none.")
    max_cc: int = Field(description="Highest cyclomatic complexity of a function; 0 with none.")
    worst_rank: str | None = Field(description="Rank of max_cc, A-F; None with no function.")
    over_threshold: int = Field(description="Functions whose complexity exceeds the threshold.")
    threshold: int = Field(description="The complexity over_threshold counts above.")
    hotspots: list[FunctionComplexity] = Field(
        description=f"The {MAX_HOTSPOTS} most complex functions, most complex first."
    )
    maintainability: list[FileMaintainability] = Field(
        description=f"Per file, lowest maintainability first, at most {MAX_FILES_LISTED}."
    )
    min_mi: float = Field(description=f"Lowest file maintainability index; {EMPTY_MI} with none.")
    mean_mi: float = Field(description=f"Mean file maintainability index; {EMPTY_MI} with none.")
    raw: RawSize = Field(description="Raw sizes summed over the readable files.")
    delta_lloc: int | None = Field(
        description="lloc minus the starter's in the files changed or deleted; None without one."
    )
    delta_functions: int | None = Field(
        description="functions minus the starter's in the same files; None without a starter."
    )
    delta_max_cc: int | None = Field(
        description="max_cc minus the starter's in the same files; None without a starter."
    )

    nothing_written: str | None = Field(
        default=None,
        description="Why none of these files holds code of the candidate's own (untouched "
        "starter, no Python file...), if so: the row then scores 0. Shared with lint.",
    )

    def unmeasured(self) -> str | None:
        """Why the figures cannot score although the candidate wrote code, if they cannot:
        code radon could not read has no complexity, and must not look simple."""
        if not self.unparsable:
            return None
        more = f" and {len(self.unparsable) - 1} more file(s)" if len(self.unparsable) > 1 else ""
        return f"radon could not parse {self.unparsable[0]}{more}"

    def metrics(self) -> dict[str, float]:
        """The figures rubric thresholds use."""
        return {
            "mean_cc": self.mean_cc,
            "max_cc": float(self.max_cc),
            "over_threshold": float(self.over_threshold),
            "min_mi": self.min_mi,
            "mean_mi": self.mean_mi,
            "lloc": float(self.raw.lloc),
        }


@dataclass
class _Tally:
    """What radon found in a set of files, before it is ranked and capped."""

    functions: list[FunctionComplexity] = field(default_factory=list)
    files: list[FileMaintainability] = field(default_factory=list)
    unparsable: list[str] = field(default_factory=list)
    raw: list[int] = field(default_factory=lambda: [0] * 6)

    @property
    def max_cc(self) -> int:
        return max((function.cc for function in self.functions), default=0)


def _source(data: bytes) -> str:
    """The file's text in the encoding Python would read it with (cookie, BOM, else UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _named(block: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Radon blocks with their qualified names: functions, closures, methods, inner classes."""
    name = prefix + str(block.name)
    if hasattr(block, "methods"):
        for method in block.methods:
            yield from _named(method, name + ".")
        for inner in block.inner_classes:
            yield from _named(inner, name + ".")
        return
    yield name, block
    for closure in block.closures:
        yield from _named(closure, name + ".")


def _measure_file(tally: _Tally, path: str, text: str) -> None:
    syntax = parse_python(text)
    visitor = ComplexityVisitor.from_ast(syntax)
    raw = analyze(text)
    blocks = [*visitor.functions, *visitor.classes]
    functions = [
        FunctionComplexity(
            path=path, name=name, line=int(f.lineno), cc=int(f.complexity),
            rank=str(cc_rank(f.complexity)),
        )
        for block in blocks
        for name, f in _named(block, "")
    ]  # fmt: skip
    comments = (raw.comments + raw.multi) * 100 / raw.sloc if raw.sloc else 0
    mi = float(mi_compute(h_visit_ast(syntax).total.volume, visitor.total_complexity, raw.lloc,
                          comments))  # fmt: skip
    tally.functions.extend(functions)
    tally.files.append(FileMaintainability(path=path, mi=round(mi, 2), rank=str(mi_rank(mi))))
    sizes = (raw.loc, raw.lloc, raw.sloc, raw.comments, raw.multi, raw.blank)
    tally.raw = [total + int(size) for total, size in zip(tally.raw, sizes, strict=True)]


def _measure(root: Path, files: Sequence[str]) -> _Tally:
    tally = _Tally()
    for relative in files:
        path = root / relative
        shown = display_path(relative)
        if path.stat().st_size > MAX_FILE_BYTES:
            tally.unparsable.append(shown)
            continue
        try:
            _measure_file(tally, shown, _source(path.read_bytes()))
        except Exception:  # radon is third-party code fed hostile input: never fatal
            tally.unparsable.append(shown)
    return tally


_STARTER_FIGURES: StarterCache[tuple[int, int, int]] = StarterCache()


def _starter_figures(starter: Path, files: Sequence[str]) -> tuple[int, int, int]:
    """lloc, functions and max CC of the starter's ``files``, measured once per file set."""

    def measure() -> tuple[int, int, int]:
        base = _measure(starter, files)
        return base.raw[1], len(base.functions), base.max_cc

    return _STARTER_FIGURES.get(starter, files, None, measure)


def _raw(sizes: Sequence[int]) -> RawSize:
    loc, lloc, sloc, comments, multi, blank = sizes
    ratio = round((comments + multi) / sloc, 3) if sloc else 0.0
    return RawSize(
        loc=loc, lloc=lloc, sloc=sloc, comments=comments, multi=multi, blank=blank,
        comment_ratio=ratio,
    )  # fmt: skip


def measure_complexity(
    tree: Path, starter: Path | None, threshold: int = 10
) -> ComplexityMeasurement:
    """Complexity and maintainability of the candidate's own Python files in ``tree``."""
    work = candidate_work(tree, starter)
    files = work.files
    tally = _measure(tree, files)
    functions = sorted(tally.functions, key=lambda f: (-f.cc, f.path, f.line, f.name))
    ranked_files = sorted(tally.files, key=lambda f: (f.mi, f.path))
    mis = [entry.mi for entry in tally.files]
    raw = _raw(tally.raw)
    delta_lloc = delta_functions = delta_max_cc = None
    if starter is not None:
        base_lloc, base_functions, base_max_cc = _starter_figures(starter, work.replaced)
        delta_lloc = raw.lloc - base_lloc
        delta_functions = len(functions) - base_functions
        delta_max_cc = tally.max_cc - base_max_cc
    return ComplexityMeasurement(
        files=len(files),
        unparsable=tally.unparsable[:MAX_FILES_LISTED],
        functions=len(functions),
        mean_cc=round(sum(f.cc for f in functions) / len(functions), 2) if functions else 0.0,
        max_cc=tally.max_cc,
        worst_rank=str(cc_rank(tally.max_cc)) if functions else None,
        over_threshold=sum(1 for f in functions if f.cc > threshold),
        threshold=threshold,
        hotspots=functions[:MAX_HOTSPOTS],
        maintainability=ranked_files[:MAX_FILES_LISTED],
        min_mi=min(mis, default=EMPTY_MI),
        mean_mi=round(sum(mis) / len(mis), 2) if mis else EMPTY_MI,
        raw=raw,
        delta_lloc=delta_lloc,
        delta_functions=delta_functions,
        delta_max_cc=delta_max_cc,
        nothing_written=work.nothing_written,
    )
