"""Batch ETL for JSON Lines event logs.

Files are streamed in binary mode, one line at a time, so memory stays proportional to
the number of distinct event ids rather than to the size of the inputs.  Validation is a
small set of field specs; aggregation is an incremental accumulator; the summary is
written through a NamedTemporaryFile that is renamed into place.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
REASON_INVALID_JSON = "invalid_json"
REASON_NOT_OBJECT = "not_object"
REASON_MISSING = "missing_field"
REASON_INVALID = "invalid_field"


class EtlError(Exception):
    """A path given to the job cannot be used."""


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


class LineError(ValueError):
    """Why one line is not a record."""

    def __init__(self, reason: str, field_name: str | None = None) -> None:
        super().__init__(f"{reason}: {field_name}")
        self.reason = reason
        self.field_name = field_name


def iter_text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Stream ``(number, text)`` pairs; binary iteration splits on b"\\n" only."""
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, raw.decode("latin-1")


def required_text(obj: dict[str, Any], name: str) -> str:
    value = obj.get(name)
    if value is None:
        raise LineError(REASON_MISSING, name)
    if not isinstance(value, str) or value.strip() == "":
        raise LineError(REASON_INVALID, name)
    return value.strip()


def required_timestamp(obj: dict[str, Any], name: str) -> datetime:
    value = obj.get(name)
    if value is None:
        raise LineError(REASON_MISSING, name)
    if not isinstance(value, str):
        raise LineError(REASON_INVALID, name)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise LineError(REASON_INVALID, name) from exc
    if moment.utcoffset() is None:
        raise LineError(REASON_INVALID, name)
    return moment.astimezone(UTC)


def optional_amount(obj: dict[str, Any], name: str) -> float:
    value = obj.get(name)
    if value is None:
        return 0.0
    valid = isinstance(value, int | float) and not isinstance(value, bool)
    if not valid or not math.isfinite(value) or value < 0:
        raise LineError(REASON_INVALID, name)
    return float(value)


def to_record(text: str, file_name: str, number: int) -> Record:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineError(REASON_INVALID_JSON) from exc
    if not isinstance(obj, dict):
        raise LineError(REASON_NOT_OBJECT)
    event_id = required_text(obj, "id")
    ts = required_timestamp(obj, "ts")
    user = required_text(obj, "user")
    action = required_text(obj, "action").lower()
    amount = optional_amount(obj, "amount")
    return Record(event_id, ts, user, action, amount, file_name, number)


@dataclass
class _Loader:
    records: list[Record] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    duplicates: int = 0
    lines: int = 0

    def feed(self, path: Path) -> None:
        for number, text in iter_text_lines(path):
            if text.strip():
                self.lines += 1
                self._accept(text.strip(), path.name, number)

    def _accept(self, text: str, file_name: str, number: int) -> None:
        try:
            record = to_record(text, file_name, number)
        except LineError as err:
            self.bad_lines.append(BadLine(file_name, number, err.reason, err.field_name))
            return
        if record.id in self.ids:
            self.duplicates += 1
            return
        self.ids.add(record.id)
        self.records.append(record)

    def result(self) -> LoadResult:
        return LoadResult(self.records, self.bad_lines, self.duplicates, self.lines)


def load(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Validate and deduplicate the files, in the given order.

    Raises:
        EtlError: if any path is not an existing regular file (checked up front).
    """
    files = list(map(Path, paths))
    for path in files:
        if not path.is_file():
            raise EtlError(f"{path}: no such file")
    loader = _Loader()
    for path in files:
        loader.feed(path)
    return loader.result()


@dataclass
class _Totals:
    ids: set[str] = field(default_factory=set)
    revenue: float = 0.0
    actions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    user_events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    user_revenue: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    days: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first: datetime | None = None
    last: datetime | None = None

    def add(self, record: Record) -> None:
        if record.id in self.ids:
            return
        self.ids.add(record.id)
        ts = record.ts.astimezone(UTC)
        self.revenue += record.amount
        self.actions[record.action] += 1
        self.user_events[record.user] += 1
        self.user_revenue[record.user] += record.amount
        self.days[ts.strftime("%Y-%m-%d")] += 1
        self.first = ts if self.first is None else min(self.first, ts)
        self.last = ts if self.last is None else max(self.last, ts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": len(self.ids),
            "users": len(self.user_events),
            "revenue": round(self.revenue, 2),
            "by_action": dict(sorted(self.actions.items())),
            "by_user": {
                name: {"events": count, "revenue": round(self.user_revenue[name], 2)}
                for name, count in sorted(self.user_events.items())
            },
            "by_day": dict(sorted(self.days.items())),
            "first_ts": _stamp(self.first),
            "last_ts": _stamp(self.last),
        }


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def aggregate(records: Iterable[Record]) -> dict[str, Any]:
    """Summary of ``records``; a repeated id is counted once (first wins)."""
    totals = _Totals()
    for record in records:
        totals.add(record)
    return totals.as_dict()


def replace_atomically(target: Path, payload: bytes) -> None:
    """Write ``payload`` beside ``target`` and rename it over ``target``."""
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".partial", delete=False) as tmp:
        tmp_path = Path(tmp.name)
        try:
            tmp.write(payload)
        except BaseException:
            tmp_path.unlink()
            raise
    try:
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink()
        raise


def run(input_dir: str | os.PathLike[str], output_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Summarise the ``*.jsonl`` files of ``input_dir`` into ``output_path``.

    Raises:
        EtlError: if ``input_dir`` is not a directory.
    """
    source, target = Path(input_dir), Path(output_path)
    if not source.is_dir():
        raise EtlError(f"{source}: not a directory")
    skip = target.resolve()
    inputs = [
        source / name
        for name in sorted(os.listdir(source))
        if name.endswith(".jsonl") and (source / name).is_file() and (source / name).resolve() != skip
    ]
    loaded = load(inputs)
    document = {
        "files": [path.name for path in inputs],
        "lines": loaded.lines,
        "records": len(loaded.records),
        "duplicates": loaded.duplicates,
        "bad_lines": [
            {"file": bad.file, "line": bad.line, "reason": bad.reason, "field": bad.field}
            for bad in loaded.bad_lines
        ],
        "summary": aggregate(loaded.records),
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    replace_atomically(target, text.encode("utf-8"))
    return document
