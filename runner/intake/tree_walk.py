"""Walking a candidate's tree without trusting its shape: names, depth, count and time.

Python 3.11's ``os.walk`` and ``shutil.rmtree`` recurse once per directory level, so a tree
1,500 directories deep ends in RecursionError (an internal error, exit 3) instead of a verdict,
and a tree of 300,000 empty directories costs as much as 300,000 files. The walk here keeps
its own stack, counts every entry it lists against the file cap before sorting anything, and
refuses a tree deeper than the cap before any tool of ours has to descend into it.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graders.source_files import display_path
from runner.errors import RepoRejected

NAME_BYTES = 255
"""Longest file name component Linux accepts (NAME_MAX)."""
PATH_BYTES = 1024
"""Longest relative path exported: the work directory's own prefix must still fit PATH_MAX."""


@dataclass(frozen=True)
class Deadline:
    """The wall clock of one intake: fetching, exporting and copying share it."""

    at: float
    seconds: float

    @classmethod
    def starting_now(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise RepoRejected(f"taking the submission in took longer than {self.seconds:g}s")


def shown(relative: str) -> str:
    """A candidate's file name as a report may show it: valid UTF-8, no control character."""
    return display_path(relative)


def has_control(relative: str) -> bool:
    """Control characters (C0, DEL, C1): no legitimate source file name holds one."""
    return any(unicodedata.category(char) == "Cc" for char in relative)


def check_name(relative: str, max_depth: int) -> None:
    """Reject a name no tool of ours can handle: not UTF-8, too deep or too long."""
    try:
        encoded = relative.encode("utf-8")
    except UnicodeEncodeError:  # os and tarfile hand invalid bytes over as lone surrogates
        raise RepoRejected(f"a file name is not valid UTF-8: {shown(relative)}") from None
    parts = relative.strip("/").split("/")
    if len(parts) > max_depth:
        raise RepoRejected(
            f"the tree is deeper than {max_depth} directories: {shown(relative)[:120]}"
        )
    if len(encoded) > PATH_BYTES or any(len(part.encode()) > NAME_BYTES for part in parts):
        raise RepoRejected(f"a file name is longer than the limit: {shown(relative)[:120]}")


@dataclass(frozen=True)
class Entry:
    relative: str
    """Path relative to the walked root, posix separators."""
    path: Path
    mode: int
    """lstat's mode: links are links, never what they point to."""
    size: int

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)

    @property
    def is_link(self) -> bool:
        return stat.S_ISLNK(self.mode)

    @property
    def is_file(self) -> bool:
        return stat.S_ISREG(self.mode)


def sort_key(relative: str) -> tuple[str, ...]:
    """The order ``sorted(Path, ...)`` gives (component by component), so content ids made
    before this walk existed stay the same."""
    return tuple(relative.split("/"))


def walk(
    root: Path,
    max_entries: int | None = None,
    deadline: Deadline | None = None,
    skip: frozenset[str] = frozenset(),
    pruned: set[str] | None = None,
) -> Iterator[Entry]:
    """Every entry under ``root`` (parents before children, siblings sorted), links never
    followed, without recursion. Names in ``skip`` are left out at any depth, subtree and all;
    a directory the caller adds to ``pruned`` when it is yielded is not descended into.

    ``max_entries`` counts entries as they are listed, so a directory of millions is refused
    after reading a cap's worth, before anything is sorted or copied.
    """
    listed = 0
    stack: list[tuple[str, Path]] = [("", root)]
    while stack:
        prefix, directory = stack.pop()
        found: list[Entry] = []
        try:
            with os.scandir(directory) as entries:
                for item in entries:
                    if item.name in skip:
                        continue
                    listed += 1
                    if max_entries is not None and listed > max_entries:
                        raise RepoRejected(f"the submission has more than {max_entries} files")
                    if deadline is not None and listed % 256 == 0:
                        deadline.check()
                    info = item.stat(follow_symlinks=False)
                    relative = f"{prefix}{item.name}"
                    found.append(Entry(relative, Path(item.path), info.st_mode, info.st_size))
        except OSError as error:
            where = shown(prefix.rstrip("/")) or "the top directory"
            raise RepoRejected(f"{where}: cannot be read ({error.strerror})") from None
        found.sort(key=lambda entry: sort_key(entry.relative))
        yield from found
        stack.extend(
            (f"{entry.relative}/", entry.path)
            for entry in reversed(found)
            if entry.is_dir and entry.relative not in (pruned or ())
        )
