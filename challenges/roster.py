"""The roster of a cohort: who is graded, from where, and in which time window.

A hiring team keeps it as a spreadsheet (CSV) or YAML; both load into the same strict model,
and every error names the file, the line or entry, and the field. Spreadsheets save what they
save: a byte-order mark (Excel's "CSV UTF-8") is accepted, other encodings are named as such,
and every bad line is listed, not only the first.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from challenges.base_error import TakehomeError
from challenges.errors import summary
from challenges.files import ROSTER_CAP, read_text

COLUMNS = ("alias", "repo", "ref", "invited_at", "deadline")
ALIAS_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
"""An alias is a directory name of the reports: no separators, no leading dot."""
RESERVED_IDS = frozenset({"index.html"})
"""Names the output directory keeps for its own files (the cohort page), compared caseless."""


class IdError(TakehomeError, ValueError):
    """An id that becomes a path (``OUT/<id>/``) is not a plain directory name."""


def check_id(value: str, what: str = "") -> str:
    """``value`` when it may name a report directory; IdError naming ``what`` otherwise.

    The one check for every id that becomes a path (``--id``, roster aliases, a regraded
    scorecard's ``submission.id``, queued jobs): ALIAS_PATTERN rules out separators, ``..``,
    a leading dot, NUL, newlines and other control characters, and caps the length; the
    reserved names would clash with the output directory's own files."""
    prefix = f"{what}: " if what else ""
    shown = repr(value[:70]) + ("..." if len(value) > 70 else "")
    if not re.fullmatch(ALIAS_PATTERN, value):
        raise IdError(
            f"{prefix}{shown} is not a valid id (1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit)"
        )
    if value.lower() in RESERVED_IDS:
        raise IdError(f"{prefix}{shown} is reserved: the cohort page is OUT/index.html")
    return value


SubmissionId = Annotated[str, AfterValidator(check_id)]
"""A str checked by ``check_id``, for models whose ids become paths."""
FIRST_YEAR, LAST_YEAR = 1970, 3000
_EXTRA = "\0extra"
"""The key csv.DictReader puts the fields beyond the header's under (None by default, which
the model would report as 'Keys should be strings')."""


class RosterError(TakehomeError):
    """A roster file is missing, malformed or names a candidate twice."""


class RosterEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alias: SubmissionId = Field(
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
        """A time without a zone is UTC, whether CSV text or YAML's own timestamps and dates."""
        if isinstance(value, str) and re.fullmatch(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?", value.strip()
        ):
            value = datetime.fromisoformat(value.strip())
        elif isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("invited_at", "deadline")
    @classmethod
    def _in_range(cls, value: datetime | None) -> datetime | None:
        """Years the time-window arithmetic can add a year to, or subtract one from."""
        if value is not None and not FIRST_YEAR <= value.year < LAST_YEAR:
            raise ValueError(f"must be between {FIRST_YEAR} and {LAST_YEAR}")
        return value


def _csv_rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA)
    try:
        header = reader.fieldnames or []
        unknown = sorted(set(header) - set(COLUMNS))
        if unknown or "alias" not in header:
            raise RosterError(
                f"{path}: the header must name alias, repo and optionally "
                f"ref, invited_at, deadline (found {', '.join(header)[:200]})"
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise RosterError(f"{path}: the header names {', '.join(repeated)} twice")
        rows = []
        for row in reader:
            where = f"line {reader.line_num}"
            if _EXTRA in row:
                raise RosterError(
                    f"{path}: {where}: {len(header) + len(row[_EXTRA])} fields, but the header "
                    f"has {len(header)} (a comma inside a value needs quotes)"
                )
            rows.append((where, dict(row)))
    except csv.Error as error:  # a field over csv.field_size_limit(), a stray quote
        # line_num counts the lines of the records read whole: the bad one is the next
        raise RosterError(f"{path}: line {reader.line_num + 1}: not valid CSV: {error}") from None
    return rows


def _yaml_rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    import yaml  # here, not above: a grade imports this module for its ids, never a YAML

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RosterError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    except (RecursionError, MemoryError):
        raise RosterError(f"{path}: not valid YAML: nested too deeply") from None
    except (ValueError, OverflowError) as error:  # a timestamp such as 2026-02-30
        raise RosterError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise RosterError(f"{path}: a YAML roster is a list of entries with alias and repo")
    return [(f"entry {number}", item) for number, item in enumerate(data, start=1)]


def _rows(path: Path, text: str) -> list[tuple[str, dict[str, Any]]]:
    """(where, fields) for each entry: ``line N`` in a CSV, ``entry N`` in YAML."""
    if path.suffix.lower() == ".csv":
        return _csv_rows(path, text)
    return _yaml_rows(path, text)


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part)[:60] for part in loc) or "(entry)"


def load_roster(path: Path) -> list[RosterEntry]:
    """The entries of a CSV or YAML roster, in file order; every bad entry is listed."""
    text = read_text(path, RosterError, ROSTER_CAP)
    entries: list[RosterEntry] = []
    seen: dict[str, str] = {}
    problems: list[str] = []
    for where, fields in _rows(path, text):
        try:
            entry = RosterEntry.model_validate(fields)
        except ValidationError as error:
            detail = error.errors()[0]
            message = str(detail["msg"]).removeprefix("Value error, ")
            problems.append(f"{path}: {where}: {_field(detail['loc'])}: {message}")
            continue
        if entry.alias in seen:
            problems.append(
                f"{path}: {where}: alias {entry.alias!r} is already used at {seen[entry.alias]}"
            )
        seen.setdefault(entry.alias, where)
        entries.append(entry)
    if problems:
        raise RosterError(summary(problems))
    if not entries:
        raise RosterError(f"{path}: the roster has no entries")
    return entries
