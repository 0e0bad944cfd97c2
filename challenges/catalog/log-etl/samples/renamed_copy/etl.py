"""Event-log ETL: messy JSON Lines files in, one clean, deterministic summary out.

Reference solution for the ``log-etl`` challenge.

Pipeline, one function per stage: ``_numbered_lines`` turns a file's bytes into numbered
text lines (BOM stripped, ``\\n`` only, each line decoded on its self_path: UTF-8, else
Latin-1); ``line_to_record`` turns one line into a :class:`Record` or raises
:class:`_LineProblem` with the reason and field; ``load`` walks the files and keeps the first
record per id; ``aggregate`` folds records into plain counters; ``run`` lists the inputs,
builds the summary and writes it through ``_atomic_write`` (scratch file in the
target's folder, then ``os.replace``).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_UTF8_MARK = b"\xef\xbb\xbf"
_STAMP_PATTERN = "%Y-%m-%dT%H:%M:%SZ"


class EtlError(Exception):
    """An input path is missing or is not what the job needs (never a file's content)."""


@dataclass(frozen=True)
class Record:
    """One valid event."""

    id: str
    ts: datetime
    user: str
    action: str
    amount: float
    file: str
    line: int


@dataclass(frozen=True)
class BadLine:
    """A non-blank line that did not give a record."""

    file: str
    line: int
    reason: str
    field: str | None


@dataclass(frozen=True)
class LoadResult:
    """Everything ``load`` learned from its files."""

    records: list[Record]
    bad_lines: list[BadLine]
    duplicates: int
    lines: int


class _LineProblem(Exception):
    """Raised by the parsing helpers; becomes a :class:`BadLine`."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field


# ------------------------------------------------------------------ writing


def _atomic_write(target: Path, text: str) -> None:
    """Write ``text`` to a scratch file next to ``target``, then rename it over it."""
    fd, scratch = tempfile.mkstemp(dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as sink:
            sink.write(text)
        os.replace(scratch, target)
    except BaseException:
        os.unlink(scratch)
        raise


def _input_files(folder: Path, output: Path) -> list[Path]:
    self_path = output.resolve()
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name.endswith(".jsonl") and entry.is_file() and entry.resolve() != self_path
    )
    return [folder / name for name in names]


def run(input_dir: str | os.PathLike[str], output_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Summarise every ``*.jsonl`` file of ``input_dir`` into ``output_path``, atomically."""
    folder, output = Path(input_dir), Path(output_path)
    if not folder.is_dir():
        raise EtlError(f"not a folder: {folder}")
    files = _input_files(folder, output)
    outcome = load(files)
    document = {
        "files": [path.name for path in files],
        "lines": outcome.lines,
        "records": len(outcome.records),
        "duplicates": outcome.duplicates,
        "bad_lines": [
            {"file": bad.file, "line": bad.line, "reason": bad.reason, "field": bad.field}
            for bad in outcome.bad_lines
        ],
        "summary": aggregate(outcome.records),
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write(output, text)
    return document


# ------------------------------------------------------------------ aggregating


def _first_per_id(records: Iterable[Record]) -> list[Record]:
    claimed: set[str] = set()
    distinct = []
    for record in records:
        if record.id not in claimed:
            claimed.add(record.id)
            distinct.append(record)
    return distinct


def _user_table(distinct: list[Record]) -> dict[str, dict[str, Any]]:
    events: Counter[str] = Counter()
    revenue: dict[str, float] = {}
    for record in distinct:
        events[record.user] += 1
        revenue[record.user] = revenue.get(record.user, 0.0) + record.amount
    return {
        user: {"events": events[user], "revenue": round(revenue[user], 2)}
        for user in sorted(events)
    }


def _sorted_tally(keys: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(keys).items()))


def aggregate(records: Iterable[Record]) -> dict[str, Any]:
    """Summarise ``records``, counting each id once (first wins)."""
    distinct = _first_per_id(records)
    moments = [record.ts.astimezone(UTC) for record in distinct]
    by_user = _user_table(distinct)
    return {
        "events": len(distinct),
        "users": len(by_user),
        "revenue": round(sum(record.amount for record in distinct), 2),
        "by_action": _sorted_tally(record.action for record in distinct),
        "by_user": by_user,
        "by_day": _sorted_tally(ts.date().isoformat() for ts in moments),
        "first_ts": min(moments).strftime(_STAMP_PATTERN) if moments else None,
        "last_ts": max(moments).strftime(_STAMP_PATTERN) if moments else None,
    }


# ------------------------------------------------------------------ parsing


def _clean_string(raw: object, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _LineProblem("invalid_field", field)
    return raw.strip()


def _utc_moment(raw: object, field: str) -> datetime:
    if not isinstance(raw, str):
        raise _LineProblem("invalid_field", field)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise _LineProblem("invalid_field", field) from None
    if parsed.utcoffset() is None:
        raise _LineProblem("invalid_field", field)
    return parsed.astimezone(UTC)


def _non_negative_amount(raw: object, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _LineProblem("invalid_field", field)
    if not math.isfinite(raw) or raw < 0:
        raise _LineProblem("invalid_field", field)
    return float(raw)


# (field, required, converter) in the order the spec checks them.
_RULES: tuple[tuple[str, bool, Callable[[object, str], Any]], ...] = (
    ("id", True, _clean_string),
    ("ts", True, _utc_moment),
    ("user", True, _clean_string),
    ("action", True, lambda raw, field: _clean_string(raw, field).lower()),
    ("amount", False, _non_negative_amount),
)
_FALLBACKS: dict[str, Any] = {"amount": 0.0}


def line_to_record(text: str, file: str, line: int) -> Record:
    """Parse one non-blank line; raise :class:`_LineProblem` when it is not a valid record."""
    try:
        obj = json.loads(text.strip())
    except ValueError:
        raise _LineProblem("invalid_json") from None
    if not isinstance(obj, dict):
        raise _LineProblem("not_object")
    fields_out: dict[str, Any] = {}
    for field, required, check in _RULES:
        raw = obj.get(field)
        if raw is None and required:
            raise _LineProblem("missing_field", field)
        fields_out[field] = _FALLBACKS[field] if raw is None else check(raw, field)
    return Record(file=file, line=line, **fields_out)


# ------------------------------------------------------------------ loading


def _require_files(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise EtlError(f"not a readable file: {path}")


def load(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Read ``paths`` in the order given; keep the first valid record of each id."""
    files = [Path(path) for path in paths]
    _require_files(files)
    records: list[Record] = []
    bad_lines: list[BadLine] = []
    claimed: set[str] = set()
    lines = duplicates = 0
    for path in files:
        for number, text in _numbered_lines(path.read_bytes()):
            if not text.strip():
                continue
            lines += 1
            try:
                record = line_to_record(text, path.name, number)
            except _LineProblem as problem:
                bad_lines.append(BadLine(path.name, number, problem.reason, problem.field))
                continue
            if record.id in claimed:
                duplicates += 1
            else:
                claimed.add(record.id)
                records.append(record)
    return LoadResult(records, bad_lines, duplicates, lines)


# ------------------------------------------------------------------ reading


def _to_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _numbered_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for every physical line of ``data``.

    A final ``\n`` leaves an empty last piece and a ``\r`` before ``\n`` stays on its line:
    both are whitespace, which the caller strips, so neither needs handling here.
    """
    pieces = data.removeprefix(_UTF8_MARK).split(b"\n")
    for number, piece in enumerate(pieces, start=1):
        yield number, _to_text(piece)
