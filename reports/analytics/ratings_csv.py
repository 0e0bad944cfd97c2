"""Ratings from another tool: a CSV file, one rating a line,
``submission,reviewer,criterion,level[,rated_at]``, an optional header line of those names.

Every problem is one ``RatingsFileError`` naming the file and the line; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from challenges.base_error import TakehomeError
from reports.analytics.records import MAX_LEVEL, MIN_LEVEL, RatingRecord

HEADER = ("submission", "reviewer", "criterion", "level", "rated_at")
MAX_FIELD = 200


class RatingsFileError(TakehomeError):
    """A ratings CSV file cannot be read or has a bad line."""


def _moment(text: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RatingsFileError(f"{where}: rated_at {text[:40]!r} is not an ISO 8601 date or "
                               "time (2026-03-01 or 2026-03-01T14:30:00Z)") from None  # fmt: skip
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(fields: list[str], where: str) -> RatingRecord:
    if len(fields) not in (4, 5):
        raise RatingsFileError(f"{where}: {len(fields)} fields; expected "
                               "submission,reviewer,criterion,level[,rated_at]")  # fmt: skip
    values = [field.strip() for field in fields]
    for name, value in zip(HEADER, values[:3], strict=False):
        if not value:
            raise RatingsFileError(f"{where}: the {name} is empty")
        if len(value) > MAX_FIELD or not value.isprintable():
            raise RatingsFileError(f"{where}: the {name} is not a name (printable, at most "
                                   f"{MAX_FIELD} characters)")  # fmt: skip
    level = values[3]
    if not (level.isascii() and level.isdigit() and len(level) == 1) or not (
        MIN_LEVEL <= int(level) <= MAX_LEVEL
    ):
        raise RatingsFileError(f"{where}: level {level[:20]!r} is not a whole number from "
                               f"{MIN_LEVEL} to {MAX_LEVEL}")  # fmt: skip
    moment = _moment(values[4], where) if len(values) == 5 and values[4] else None
    return RatingRecord(values[0], values[1], values[2], int(level), moment)


def load_ratings_csv(path: Path) -> list[RatingRecord]:
    """Every rating of the file, in its order; one reviewer rates a submission's row once."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RatingsFileError(f"{path}: cannot be read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RatingsFileError(f"{path}: line {line}: is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    ratings: list[RatingRecord] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for fields in reader:
            where = f"{path}: line {reader.line_num}"
            if not fields or all(not f.strip() for f in fields):
                continue
            if (
                not ratings
                and not seen
                and tuple(f.strip().lower() for f in fields) in (HEADER[:4], HEADER)
            ):
                continue
            record = _record(fields, where)
            key = (record.submission, record.reviewer, record.criterion)
            if key in seen:
                raise RatingsFileError(
                    f"{where}: {record.reviewer} rated {record.criterion} of "
                    f"{record.submission} already on line {seen[key]}"
                )
            seen[key] = reader.line_num
            ratings.append(record)
    except csv.Error as error:
        raise RatingsFileError(f"{path}: line {reader.line_num}: not valid CSV: {error}") from None
    if not ratings:
        raise RatingsFileError(f"{path}: no ratings (one a line: "
                               "submission,reviewer,criterion,level[,rated_at])")  # fmt: skip
    return ratings
