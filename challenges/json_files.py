"""Reading one JSON document a tool of ours wrote (a scorecard, a source snapshot) into its
model: through the same regular-file reader as every other input (``challenges.files``), so a
directory, a FIFO, a device or a file far too large is refused by name rather than read
forever, and a document that does not validate names its file and field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from challenges.base_error import TakehomeError
from challenges.files import read_text
from challenges.toml_files import format_validation_error

_Model = TypeVar("_Model", bound=BaseModel)

DOCUMENT_CAP = 64 * 1024 * 1024
"""Largest scorecard or snapshot: a snapshot holds at most 4 MB of files and 4 MB of diffs,
JSON escaping can double that; a scorecard's test output is capped far below."""


def load_json_model(
    path: Path, model: type[_Model], error: type[TakehomeError], limit: int = DOCUMENT_CAP
) -> _Model:
    text = read_text(path, error, limit)
    try:
        return model.model_validate_json(text)
    except ValidationError as problem:
        raise error(format_validation_error(str(path), problem)) from None
