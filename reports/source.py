"""The candidate's source as it was graded: the text reviewers read beside the scorecard.

Captured once at grading time and written next to the scorecard, because the exported tree
is deleted when grading ends and the repository may change or vanish afterwards: what a
reviewer reads must be exactly what was measured. Strict and versioned like the scorecard,
since review pages read it weeks later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from challenges.base_error import TakehomeError
from challenges.json_files import load_json_model

SOURCE_SCHEMA_VERSION = 1
SOURCE_FILE_NAME = "source.json"
"""Beside ``scorecard.json`` in a submission's report directory."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceFile(_Model):
    path: str = Field(description="File relative to the submission root (posix, display-safe).")
    text: str = Field(description="The file's whole text (UTF-8, no NUL byte).")
    change: Literal["added", "modified", "unchanged"] = Field(
        description="Against the starter's file at the same path; added when there is none."
    )


class OmittedFile(_Model):
    path: str = Field(description="File relative to the submission root (posix, display-safe).")
    reason: str = Field(
        description="Why its text is not here: binary, over a cap, symlink, not UTF-8..."
    )


class FileDiff(_Model):
    path: str = Field(description="File relative to the submission root (posix, display-safe).")
    status: Literal["added", "modified", "deleted"] = Field(
        description="What the candidate did to the starter's file at this path."
    )
    diff: str = Field(
        description="Unified diff against the starter (3 lines of context), cut at a cap with "
        "a '[diff cut]' note."
    )


class SourceSnapshot(_Model):
    schema_version: Literal[1] = Field(description="Version of the source snapshot format.")
    commit: str = Field(description="Commit SHA (or content hash) the files come from.")
    files: list[SourceFile] = Field(description="The text files captured, sorted by path.")
    omitted: list[OmittedFile] = Field(
        description="Files whose text was left out, with why (the list itself is capped)."
    )
    diffs: list[FileDiff] = Field(
        description="Against the challenge's starter; empty when it has no starter."
    )
    identity: list[str] = Field(
        default_factory=list,
        description="Staff only: strings naming the candidate, removed in blind review. "
        "Empty in a blind snapshot.",
    )
    blind: bool = Field(
        default=False, description="Identity of the candidate removed from this snapshot."
    )


class SourceError(TakehomeError):
    """A source snapshot file is missing, not JSON, or not a valid snapshot."""


def load_source(path: Path) -> SourceSnapshot:
    """Read a ``source.json``; errors name the file and the field."""
    return load_json_model(path, SourceSnapshot, SourceError)
