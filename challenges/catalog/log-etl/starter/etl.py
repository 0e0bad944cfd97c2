"""Event-log ETL: read messy JSON Lines files, validate, deduplicate, summarise.

Starter skeleton: the data classes are defined, every function raises
NotImplementedError. See the challenge spec for the exact behaviour; you may
restructure this module (or split it into several) as long as the public API
stays the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["BadLine", "EtlError", "LoadResult", "Record", "aggregate", "load", "run"]


class EtlError(Exception):
    """An input path is missing or is not what the job needs."""


@dataclass(frozen=True)
class Record:
    """One valid event (``ts`` is aware and in UTC)."""

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
    reason: str  # "invalid_json" | "not_object" | "missing_field" | "invalid_field"
    field: str | None


@dataclass(frozen=True)
class LoadResult:
    """What ``load`` read: unique records, bad lines, duplicate count, non-blank lines."""

    records: list[Record]
    bad_lines: list[BadLine]
    duplicates: int
    lines: int


def load(paths: Iterable[str | os.PathLike[str]]) -> LoadResult:
    """Read the files in the order given; keep the first valid record of each id.

    Raises:
        EtlError: a path does not exist or is not a regular file.
    """
    raise NotImplementedError


def aggregate(records: Iterable[Record]) -> dict[str, Any]:
    """Summarise records (each id counted once, first wins)."""
    raise NotImplementedError


def run(input_dir: str | os.PathLike[str], output_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Summarise every ``*.jsonl`` file of ``input_dir`` into ``output_path``, atomically.

    Raises:
        EtlError: ``input_dir`` is not an existing directory.
    """
    raise NotImplementedError
