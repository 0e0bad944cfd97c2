"""Event-log ETL: read messy JSON Lines files, validate, deduplicate, summarise."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["Record", "BadLine", "LoadResult", "EtlError", "load", "aggregate", "run"]

BOM = b"\xef\xbb\xbf"
REQUIRED_STR_FIELDS = ("id", "ts", "user", "action")


class EtlError(Exception):
    """Raised for problems with the job's inputs (not with file contents)."""


@dataclass(frozen=True)
class Record:
    id: str
    ts: datetime
    user: str
    action: str
    amount: float
    file: str
    line: int


@dataclass(frozen=True)
class BadLine:
    file: str
    line: int
    reason: str
    field: str | None


@dataclass(frozen=True)
class LoadResult:
    records: list[Record]
    bad_lines: list[BadLine]
    duplicates: int
    lines: int


class _Invalid(Exception):
    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _iter_lines(data: bytes) -> Iterable[tuple[int, str]]:
    if data.startswith(BOM):
        data = data[len(BOM):]
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    for number, raw in enumerate(parts, start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        yield number, _decode_line(raw)


def _required_str(obj: dict[str, Any], name: str) -> str:
    value = obj.get(name)
    if value is None:
        raise _Invalid("missing_field", name)
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("invalid_field", name)
    return value.strip()


def _parse_ts(obj: dict[str, Any]) -> datetime:
    value = obj.get("ts")
    if value is None:
        raise _Invalid("missing_field", "ts")
    if not isinstance(value, str):
        raise _Invalid("invalid_field", "ts")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid("invalid_field", "ts") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _Invalid("invalid_field", "ts")
    return parsed.astimezone(timezone.utc)


def _parse_amount(obj: dict[str, Any]) -> float:
    value = obj.get("amount")
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid("invalid_field", "amount")
    if not math.isfinite(value) or value < 0:
        raise _Invalid("invalid_field", "amount")
    return float(value)


def _parse_line(text: str, file: str, line: int) -> Record:
    try:
        obj = json.loads(text.strip())
    except ValueError:
        raise _Invalid("invalid_json") from None
    if not isinstance(obj, dict):
        raise _Invalid("not_object")
    record_id = _required_str(obj, "id")
    ts = _parse_ts(obj)
    user = _required_str(obj, "user")
    action = _required_str(obj, "action").lower()
    amount = _parse_amount(obj)
    return Record(
        id=record_id, ts=ts, user=user, action=action, amount=amount, file=file, line=line
    )


def load(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Load, validate and deduplicate the given files in the given order."""
    path_list = [Path(p) for p in paths]
    for path in path_list:
        if not path.is_file():
            raise EtlError(f"not a readable file: {path}")

    records: list[Record] = []
    bad_lines: list[BadLine] = []
    seen: set[str] = set()
    duplicates = 0
    lines = 0
    for path in path_list:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EtlError(f"cannot read {path}: {exc}") from exc
        for number, text in _iter_lines(data):
            if not text.strip():
                continue
            lines += 1
            try:
                record = _parse_line(text, path.name, number)
            except _Invalid as problem:
                bad_lines.append(BadLine(path.name, number, problem.reason, problem.field))
                continue
            if record.id in seen:
                duplicates += 1
                continue
            seen.add(record.id)
            records.append(record)
    return LoadResult(records=records, bad_lines=bad_lines, duplicates=duplicates, lines=lines)


def _format_ts(ts: datetime) -> str:
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def aggregate(records: Iterable[Record]) -> dict[str, Any]:
    """Summarise records, counting each id once (first wins)."""
    seen: set[str] = set()
    events = 0
    revenue = 0.0
    by_action: dict[str, int] = {}
    by_user_events: dict[str, int] = {}
    by_user_revenue: dict[str, float] = {}
    by_day: dict[str, int] = {}
    first: datetime | None = None
    last: datetime | None = None
    for record in records:
        if record.id in seen:
            continue
        seen.add(record.id)
        events += 1
        revenue += record.amount
        by_action[record.action] = by_action.get(record.action, 0) + 1
        by_user_events[record.user] = by_user_events.get(record.user, 0) + 1
        by_user_revenue[record.user] = by_user_revenue.get(record.user, 0.0) + record.amount
        day = record.ts.astimezone(timezone.utc).date().isoformat()
        by_day[day] = by_day.get(day, 0) + 1
        if first is None or record.ts < first:
            first = record.ts
        if last is None or record.ts > last:
            last = record.ts
    return {
        "events": events,
        "users": len(by_user_events),
        "revenue": round(revenue, 2),
        "by_action": dict(sorted(by_action.items())),
        "by_user": {
            user: {"events": by_user_events[user], "revenue": round(by_user_revenue[user], 2)}
            for user in sorted(by_user_events)
        },
        "by_day": dict(sorted(by_day.items())),
        "first_ts": _format_ts(first) if first is not None else None,
        "last_ts": _format_ts(last) if last is not None else None,
    }


def _write_atomic(path: Path, text: str) -> None:
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def run(input_dir: str | os.PathLike[str], output_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Process every *.jsonl file in input_dir and write the summary atomically."""
    source = Path(input_dir)
    if not source.is_dir():
        raise EtlError(f"input directory does not exist: {source}")
    target = Path(output_path)
    target_resolved = target.resolve()
    inputs = sorted(
        (
            p
            for p in source.iterdir()
            if p.name.endswith(".jsonl") and p.is_file() and p.resolve() != target_resolved
        ),
        key=lambda p: p.name,
    )
    result = load(inputs)
    summary = {
        "files": [p.name for p in inputs],
        "lines": result.lines,
        "records": len(result.records),
        "duplicates": result.duplicates,
        "bad_lines": [
            {"file": b.file, "line": b.line, "reason": b.reason, "field": b.field}
            for b in result.bad_lines
        ],
        "summary": aggregate(result.records),
    }
    text = json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _write_atomic(target, text)
    return summary
