"""The challenge's read-only files laid over a candidate's exported tree before anything
measures or runs it: helpers, fixtures, data files and visible tests handed out in
``handout/`` are the challenge's, so its copies win over whatever the candidate committed.

The tree is hostile: a directory on the way can be a symlink pointing out of the tree, or a
file where a directory should be. Each component is checked without following links, and
anything in the way is removed, so a write never lands outside the tree.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Sequence
from pathlib import Path

from challenges.handout import HandoutError, HandoutFile, read_only_files
from challenges.load import Challenge
from runner.errors import InfraError


def _clear(path: Path) -> None:
    """Remove what is at ``path`` (a link, a file or a directory) without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        path.unlink()


def _directory(tree: Path, parts: Sequence[str]) -> Path:
    """``tree/parts...`` as real directories, each made or cleared on the way."""
    current = tree
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            mode = None
        if mode is None or not stat.S_ISDIR(mode):
            _clear(current)
            current.mkdir()
    return current


def lay_files(tree: Path, files: Sequence[HandoutFile]) -> list[str]:
    """Write ``files`` into ``tree``; the paths whose content the candidate had changed (or
    removed, or replaced by a link or a directory)."""
    replaced = []
    for item in files:
        *folders, name = item.path.split("/")
        target = _directory(tree, folders) / name
        try:
            unchanged = stat.S_ISREG(os.lstat(target).st_mode) and target.read_bytes() == item.data
        except FileNotFoundError:
            unchanged = False
        if unchanged:
            continue
        replaced.append(item.path)
        _clear(target)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(target, flags, 0o755 if item.executable else 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(item.data)
    return replaced


def restore_given_files(challenge: Challenge, tree: Path) -> list[str]:
    """Lay the challenge's ``handout/`` files over ``tree``; what the candidate had changed.
    A handout that cannot be read is the challenge's fault, never the candidate's."""
    try:
        files = read_only_files(challenge.root, challenge.config.tests.dir)
    except HandoutError as error:
        raise InfraError(f"the challenge's handout cannot be read: {error}") from None
    return lay_files(tree, files)


def given_note(replaced: Sequence[str]) -> str:
    """The flag of a submission whose copies of read-only files were replaced."""
    shown = ", ".join(replaced[:5]) + (
        f" and {len(replaced) - 5} more" if len(replaced) > 5 else ""
    )
    return f"files the challenge hands out read-only were changed and are graded as given: {shown}"
