"""Reading one input file an author or a hiring team wrote: a regular file, of bounded size.

Every loader of the challenge format (challenge.toml, rubric.toml, expected.toml, the hidden
test files, rosters) reads through here, so that each refuses the same things the same way,
naming the file: a directory, a FIFO or device (which would block or never end), a dangling
symlink or a symlink loop, a file the user may not read, one too large to be what it claims,
and text that is not UTF-8. A byte-order mark (Excel and Notepad write one) is accepted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from challenges.base_error import TakehomeError

CONFIG_CAP = 1024 * 1024
"""Largest challenge.toml, rubric.toml or expected.toml: real ones are a few kilobytes."""
SOURCE_CAP = 4 * 1024 * 1024
"""Largest hidden test file."""
ROSTER_CAP = 16 * 1024 * 1024
"""Largest roster: tens of thousands of candidates fit in a few megabytes."""

BOM = b"\xef\xbb\xbf"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _read_at_most(fd: int, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes(path: Path, error: type[TakehomeError], limit: int) -> bytes:
    """The bytes of the regular file ``path`` (symlinks followed), at most ``limit`` of them;
    any problem is an ``error`` naming the file.

    The file is opened without blocking and checked on the open descriptor, so a FIFO swapped
    in after a check cannot make the read hang.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise error(f"{path}: is a symlink to a file that does not exist") from None
        raise error(f"{path}: file not found") from None
    except (OSError, ValueError) as problem:  # ValueError: a NUL byte in the name
        reason = _reason(problem) if isinstance(problem, OSError) else "not a valid file name"
        raise error(f"{path}: cannot be read: {reason}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{path}: is {_kind(mode)}, not a regular file")
        data = _read_at_most(fd, limit + 1)
    except OSError as problem:
        raise error(f"{path}: cannot be read: {_reason(problem)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(f"{path}: is larger than the limit of {limit // 1024} KiB")
    return data


def decode(path: Path, data: bytes, error: type[TakehomeError]) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else names the first bad byte."""
    data = data.removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise error(
            f"{path}: line {line}: is not UTF-8 text (byte 0x{data[problem.start]:02x}); "
            "save it as UTF-8"
        ) from None


def read_text(path: Path, error: type[TakehomeError], limit: int = CONFIG_CAP) -> str:
    """``read_bytes`` decoded as UTF-8 (a byte-order mark is dropped)."""
    return decode(path, read_bytes(path, error, limit), error)


def is_directory(path: Path) -> bool:
    """``path.is_dir()`` that is False, not an exception, for a name too long for the file
    system, a NUL byte, a symlink loop or a directory the user may not search."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False
