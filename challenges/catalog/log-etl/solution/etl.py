"""Event-log ETL: messy JSON Lines files in, one clean, deterministic summary out.

Reference solution for the ``log-etl`` challenge.

Pipeline, one function per stage: ``_split_lines`` turns a file's bytes into numbered
text lines (BOM stripped, ``\\n`` only, each line decoded on its own: UTF-8, else
Latin-1); ``parse_line`` turns one line into a :class:`Record` or raises
:class:`_Rejected` with the reason and field; ``load`` walks the files and keeps the first
record per id; ``aggregate`` folds records into plain counters; ``run`` lists the inputs,
builds the summary and writes it through ``_write_atomically`` (temporary file in the
target's directory, then ``os.replace``).
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

_BOM = b"\xef\xbb\xbf"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


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


class _Rejected(Exception):
    """Raised by the parsing helpers; becomes a :class:`BadLine`."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field


# ------------------------------------------------------------------ reading


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _split_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for every physical line of ``data``.

    A final ``\n`` leaves an empty last chunk and a ``\r`` before ``\n`` stays on its line:
    both are whitespace, which the caller strips, so neither needs handling here.
    """
    chunks = data.removeprefix(_BOM).split(b"\n")
    for number, chunk in enumerate(chunks, start=1):
        yield number, _decode(chunk)


# ------------------------------------------------------------------ parsing


def _text(raw: object, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Rejected("invalid_field", field)
    return raw.strip()


def _timestamp(raw: object, field: str) -> datetime:
    if not isinstance(raw, str):
        raise _Rejected("invalid_field", field)
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise _Rejected("invalid_field", field) from None
    if parsed.utcoffset() is None:
        raise _Rejected("invalid_field", field)
    return parsed.astimezone(UTC)


def _amount(raw: object, field: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _Rejected("invalid_field", field)
    if not math.isfinite(raw) or raw < 0:
        raise _Rejected("invalid_field", field)
    return float(raw)


# (field, required, converter) in the order the spec checks them.
_FIELDS: tuple[tuple[str, bool, Callable[[object, str], Any]], ...] = (
    ("id", True, _text),
    ("ts", True, _timestamp),
    ("user", True, _text),
    ("action", True, lambda raw, field: _text(raw, field).lower()),
    ("amount", False, _amount),
)
_DEFAULTS: dict[str, Any] = {"amount": 0.0}


def parse_line(text: str, file: str, line: int) -> Record:
    """Parse one non-blank line; raise :class:`_Rejected` when it is not a valid record."""
    try:
        obj = json.loads(text.strip())
    except ValueError:
        raise _Rejected("invalid_json") from None
    if not isinstance(obj, dict):
        raise _Rejected("not_object")
    values: dict[str, Any] = {}
    for field, required, convert in _FIELDS:
        raw = obj.get(field)
        if raw is None and required:
            raise _Rejected("missing_field", field)
        values[field] = _DEFAULTS[field] if raw is None else convert(raw, field)
    return Record(file=file, line=line, **values)


# ------------------------------------------------------------------ loading


def _check_files(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            raise EtlError(f"not a readable file: {path}")


def load(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Read ``paths`` in the order given; keep the first valid record of each id."""
    files = [Path(path) for path in paths]
    _check_files(files)
    records: list[Record] = []
    bad_lines: list[BadLine] = []
    seen: set[str] = set()
    lines = duplicates = 0
    for path in files:
        for number, text in _split_lines(path.read_bytes()):
            if not text.strip():
                continue
            lines += 1
            try:
                record = parse_line(text, path.name, number)
            except _Rejected as rejected:
                bad_lines.append(BadLine(path.name, number, rejected.reason, rejected.field))
                continue
            if record.id in seen:
                duplicates += 1
            else:
                seen.add(record.id)
                records.append(record)
    return LoadResult(records, bad_lines, duplicates, lines)


# -------------------------------------------------------------- aggregating


def _unique(records: Iterable[Record]) -> list[Record]:
    seen: set[str] = set()
    unique = []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            unique.append(record)
    return unique


def _per_user(unique: list[Record]) -> dict[str, dict[str, Any]]:
    events: Counter[str] = Counter()
    revenue: dict[str, float] = {}
    for record in unique:
        events[record.user] += 1
        revenue[record.user] = revenue.get(record.user, 0.0) + record.amount
    return {
        user: {"events": events[user], "revenue": round(revenue[user], 2)}
        for user in sorted(events)
    }


def _counts(keys: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(keys).items()))


def aggregate(records: Iterable[Record]) -> dict[str, Any]:
    """Summarise ``records``, counting each id once (first wins)."""
    unique = _unique(records)
    stamps = [record.ts.astimezone(UTC) for record in unique]
    by_user = _per_user(unique)
    return {
        "events": len(unique),
        "users": len(by_user),
        "revenue": round(sum(record.amount for record in unique), 2),
        "by_action": _counts(record.action for record in unique),
        "by_user": by_user,
        "by_day": _counts(ts.date().isoformat() for ts in stamps),
        "first_ts": min(stamps).strftime(_TS_FORMAT) if stamps else None,
        "last_ts": max(stamps).strftime(_TS_FORMAT) if stamps else None,
    }


# ------------------------------------------------------------------ writing


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``target``, then rename it over it."""
    handle, temporary = tempfile.mkstemp(dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _inputs(directory: Path, output: Path) -> list[Path]:
    own = output.resolve()
    names = sorted(
        entry.name
        for entry in directory.iterdir()
        if entry.name.endswith(".jsonl") and entry.is_file() and entry.resolve() != own
    )
    return [directory / name for name in names]


def run(input_dir: str | os.PathLike[str], output_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Summarise every ``*.jsonl`` file of ``input_dir`` into ``output_path``, atomically."""
    directory, output = Path(input_dir), Path(output_path)
    if not directory.is_dir():
        raise EtlError(f"not a directory: {directory}")
    files = _inputs(directory, output)
    loaded = load(files)
    summary = {
        "files": [path.name for path in files],
        "lines": loaded.lines,
        "records": len(loaded.records),
        "duplicates": loaded.duplicates,
        "bad_lines": [
            {"file": bad.file, "line": bad.line, "reason": bad.reason, "field": bad.field}
            for bad in loaded.bad_lines
        ],
        "summary": aggregate(loaded.records),
    }
    text = json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _write_atomically(output, text)
    return summary
