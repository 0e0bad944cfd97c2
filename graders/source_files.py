"""Which files are the candidate's own Python source, and how to name them in a report.

The lint and complexity graders measure the same files: every ``.py`` file of the exported
tree, reached through no symlink, except those byte-identical to the starter's file at the
same path (not the candidate's work).
"""

from __future__ import annotations

import filecmp
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from graders.text import clean

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
PATH_CAP = 300


def _inside(root: Path, relative: str) -> Path | None:
    """``root/relative`` when it is a regular file reached through no symlink, else None."""
    path = root
    for part in relative.split("/"):
        path = path / part
        if path.is_symlink():
            return None
    return path if path.is_file() else None


def python_files(root: Path) -> Iterator[str]:
    """Relative posix paths of the ``.py`` files under ``root``, symlinks not followed."""
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if name.endswith(".py") and not path.is_symlink() and path.is_file():
                yield path.relative_to(root).as_posix()


def own_files(root: Path, other: Path | None) -> list[str]:
    """The ``.py`` files of ``root`` that are not byte-identical to ``other``'s at the same path.

    Called as ``own_files(tree, starter)`` it gives the candidate's work; as
    ``own_files(starter, tree)`` the starter files the candidate changed or deleted.
    """
    kept = []
    for relative in python_files(root):
        twin = None if other is None else _inside(other, relative)
        if twin is None or not filecmp.cmp(root / relative, twin, shallow=False):
            kept.append(relative)
    return kept


def display_path(relative: str) -> str:
    """A file name safe to publish: valid UTF-8, no escape or control characters, capped."""
    text = clean(os.fsencode(relative).decode("utf-8", "replace"), 100_000)
    return _CONTROL.sub("?", text)[:PATH_CAP]


def non_blank_lines(root: Path, files: Sequence[str]) -> int:
    """Lines with something other than whitespace on them."""
    return sum(
        sum(1 for line in (root / name).read_bytes().splitlines() if line.strip()) for name in files
    )
