"""The roster of a cohort: who is graded, from where, and in which time window.

A hiring team keeps it as a spreadsheet (CSV) or YAML; both load into the same strict model,
and every error names the file, the line or entry, and the field.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from challenges.base_error import TakehomeError

COLUMNS = ("alias", "repo", "ref", "invited_at", "deadline")
ALIAS_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
"""An alias is a directory name of the reports: no separators, no leading dot."""


class RosterError(TakehomeError):
    """A roster file is missing, malformed or names a candidate twice."""


class RosterEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alias: str = Field(
        pattern=ALIAS_PATTERN,
        description="Candidate alias: the submission id and report folder.",
    )
    repo: str = Field(min_length=1, description="Repository URL or path.")
    ref: str | None = Field(default=None, description="Branch, tag or commit (default: head).")
    invited_at: AwareDatetime | None = Field(
        default=None, description="When the candidate started; the time window begins here."
    )
    deadline: AwareDatetime | None = Field(default=None, description="Hard deadline.")

    @field_validator("ref", "invited_at", "deadline", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("invited_at", "deadline", mode="before")
    @classmethod
    def _utc_when_naive(cls, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?", value.strip()
        ):
            return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)
        return value


def _rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    """(where, fields) for each entry: ``line N`` in a CSV, ``entry N`` in YAML."""
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        unknown = sorted(set(reader.fieldnames or ()) - set(COLUMNS))
        if unknown or "alias" not in (reader.fieldnames or ()):
            raise RosterError(
                f"{path}: the header must name alias, repo and optionally "
                f"ref, invited_at, deadline (found {', '.join(reader.fieldnames or [])})"
            )
        return [(f"line {reader.line_num}", dict(row)) for row in reader]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RosterError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RosterError(f"{path}: a YAML roster is a list of entries with alias and repo")
    return [(f"entry {number}", item) for number, item in enumerate(data, start=1)]


def load_roster(path: Path) -> list[RosterEntry]:
    """The entries of a CSV or YAML roster, in file order."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RosterError(f"{path}: cannot be read: {error.strerror or error}") from None
    entries: list[RosterEntry] = []
    seen: dict[str, str] = {}
    for where, fields in _rows(path, text):
        try:
            entry = RosterEntry.model_validate(fields)
        except ValidationError as error:
            detail = error.errors()[0]
            field = ".".join(str(p) for p in detail["loc"]) or "(entry)"
            raise RosterError(
                f"{path}: {where}: {field}: {str(detail['msg']).removeprefix('Value error, ')}"
            ) from None
        if entry.alias in seen:
            raise RosterError(
                f"{path}: {where}: alias {entry.alias!r} is already used at {seen[entry.alias]}"
            )
        seen[entry.alias] = where
        entries.append(entry)
    if not entries:
        raise RosterError(f"{path}: the roster has no entries")
    return entries
