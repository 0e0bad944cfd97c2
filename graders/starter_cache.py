"""Figures of files that do not change, kept from one measurement to the next.

Every submission of a challenge is compared with the same starter: the starter's versions of
the files the candidate changed, usually the same few files. Their figures are kept, keyed by
everything they depend on: the directory, the files, the grader's options and each file's
identity on disk (inode, size, modification and change times), so a file edited or replaced
on disk is measured again. The same store keeps what a candidate's tree holds while the lint
and complexity graders both read it (``graders.candidate_work``); the change time, which no
archive or ``touch`` can set back, is what tells two trees apart at one path.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

_T = TypeVar("_T")

Stamp = tuple[str, int, int, int, int]


def file_stamps(root: Path, files: Sequence[str]) -> tuple[Stamp, ...]:
    """Each file's name, inode, size, modification and change time: what says it changed."""
    stamps = []
    for name in files:
        status = (root / name).stat()
        stamps.append((name, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns))
    return tuple(stamps)


class StarterCache(Generic[_T]):
    """A small, thread-safe, least-recently-used store of figures (immutable values)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, _T] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, root: Path, files: Sequence[str], options: Hashable, compute: Callable[[], _T]
    ) -> _T:
        """The figures of ``files`` under ``root`` with ``options``; ``compute`` if new."""
        key = (str(root.resolve()), options, file_stamps(root, files))
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = compute()  # outside the lock: two threads may compute it once each
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return value
