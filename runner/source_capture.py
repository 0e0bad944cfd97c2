"""Capturing the candidate's source for reviewers, from the exported tree, before it is deleted.

The tree is hostile input that has already passed intake, but this must still never fail a
grade: a file that cannot be read, a symlink, a FIFO, a binary or an oversized file becomes
an ``omitted`` entry with its reason, never an exception. Links are never followed (a link to
``/etc/passwd`` must not put the host's file in front of a reviewer), files are opened with
``O_NOFOLLOW`` so a swap after the walk cannot either, and the walk keeps its own stack
(``runner.intake.tree_walk``) so depth cannot exhaust the interpreter's.
"""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graders.source_files import display_path
from reports.source import (
    SOURCE_SCHEMA_VERSION,
    FileDiff,
    OmittedFile,
    SourceFile,
    SourceSnapshot,
)
from runner.errors import RepoRejected
from runner.intake.tree_walk import has_control, walk

FILE_CAP = 256 * 1024
TOTAL_CAP = 4 * 1024 * 1024
MAX_FILES = 2_000
MAX_OMITTED = 200
DIFF_CAP = 200 * 1024
DIFF_TOTAL_CAP = 4 * 1024 * 1024
MAX_ENTRIES = 100_000
"""Entries listed before the walk gives up (intake has capped the tree long before)."""
SKIPPED = frozenset({".git"})
DIFF_CUT = "[diff cut]"
Change = Literal["added", "modified", "deleted"]


@dataclass
class _Texts:
    """What a walk of one tree read: text per path, and what it left out."""

    texts: dict[str, str] = field(default_factory=dict)
    omitted: list[OmittedFile] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    """Every file-like path met, read or not: a starter file absent from it was deleted."""
    total: int = 0


def _read(path: Path, size: int) -> bytes:
    """At most ``size + 1`` bytes of a regular file reached through no symlink."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        chunks, left = [], size + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _why_not(relative: str) -> str | None:
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        return "file name not UTF-8"
    return "control character in file name" if has_control(relative) else None


def _read_tree(root: Path, limits: bool) -> _Texts:
    """The UTF-8 text files under ``root``; with ``limits``, within the caps."""
    found = _Texts()

    def omit(relative: str, reason: str) -> None:
        found.omitted.append(OmittedFile(path=display_path(relative), reason=reason))

    try:
        for entry in walk(root, max_entries=MAX_ENTRIES, skip=SKIPPED):
            if entry.is_dir:
                continue
            found.seen.add(entry.relative)
            reason = _why_not(entry.relative)
            if reason is None and entry.is_link:
                reason = "symlink"
            elif reason is None and not entry.is_file:
                reason = "not a regular file"
            elif reason is None and limits:
                reason = _over_cap(found, entry.size)
            if reason is None:
                reason = _take(found, entry.relative, entry.path, limits)
            if reason is not None:
                omit(entry.relative, reason)
    except RepoRejected as error:  # an unreadable directory, or too many entries
        omit("", f"the rest of the tree was not read: {error}")
    return found


def _over_cap(found: _Texts, size: int) -> str | None:
    if size > FILE_CAP:
        return f"over {FILE_CAP // 1024} KB"
    if len(found.texts) >= MAX_FILES:
        return f"over the {MAX_FILES:,}-file cap"
    if found.total + size > TOTAL_CAP:
        return f"over the {TOTAL_CAP // (1024 * 1024)} MB total"
    return None


def _take(found: _Texts, relative: str, path: Path, limits: bool) -> str | None:
    """Read one file into ``found``; why it was left out, if it was."""
    try:
        data = _read(path, FILE_CAP if limits else TOTAL_CAP)
    except OSError as error:
        return f"unreadable ({error.strerror or error})"
    if limits and len(data) > FILE_CAP:  # grew since it was listed
        return f"over {FILE_CAP // 1024} KB"
    if b"\0" in data:
        return "binary"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    if limits and found.total + len(data) > TOTAL_CAP:
        return f"over the {TOTAL_CAP // (1024 * 1024)} MB total"
    found.texts[relative] = text
    found.total += len(data)
    return None


def _diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path}" if before else "/dev/null",
        tofile=f"b/{path}" if after else "/dev/null", n=3,
    )  # fmt: skip
    kept: list[str] = []
    size = 0
    for line in lines:
        line = line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        size += len(line.encode("utf-8"))
        if size > DIFF_CAP:
            kept.append(f"{DIFF_CUT} over {DIFF_CAP // 1024} KB\n")
            break
        kept.append(line)
    return "".join(kept)


def _diffs(tree: _Texts, starter: _Texts) -> list[FileDiff]:
    """Added and modified text files, and starter files the tree no longer has."""
    diffs: list[FileDiff] = []
    total = 0
    for relative in sorted(tree.texts.keys() | (starter.texts.keys() - tree.seen)):
        before, after = starter.texts.get(relative), tree.texts.get(relative)
        if before == after:
            continue
        status: Change = "added" if before is None else "deleted" if after is None else "modified"
        shown = display_path(relative)
        if total > DIFF_TOTAL_CAP:
            text = f"{DIFF_CUT} over the {DIFF_TOTAL_CAP // (1024 * 1024)} MB total of diffs\n"
        else:
            text = _diff(shown, before or "", after or "")
        total += len(text)
        diffs.append(FileDiff(path=shown, status=status, diff=text))
    return diffs


def _capped(omitted: list[OmittedFile]) -> list[OmittedFile]:
    if len(omitted) <= MAX_OMITTED:
        return omitted
    more = len(omitted) - MAX_OMITTED
    return [*omitted[:MAX_OMITTED],
            OmittedFile(path="...", reason=f"{more} more files left out, not listed")]  # fmt: skip


def _change(
    base: _Texts | None, relative: str, text: str
) -> Literal["added", "modified", "unchanged"]:
    before = None if base is None else base.texts.get(relative)
    return "added" if before is None else "unchanged" if before == text else "modified"


def capture_source(
    tree: Path, starter: Path | None, commit: str, identity: Sequence[str] = ()
) -> SourceSnapshot:
    """The text files of the exported ``tree`` within the caps, each marked against the
    ``starter`` (the challenge's, trusted), with diffs; what was left out and why."""
    found = _read_tree(tree, limits=True)
    base = _read_tree(starter, limits=False) if starter is not None else None
    files = [
        SourceFile(path=display_path(relative), text=text, change=_change(base, relative, text))
        for relative, text in found.texts.items()
    ]
    return SourceSnapshot(
        schema_version=SOURCE_SCHEMA_VERSION,
        commit=commit,
        files=sorted(files, key=lambda f: f.path),
        omitted=_capped(found.omitted),
        diffs=[] if base is None else _diffs(found, base),
        identity=list(identity),
    )
