"""Figures of the starter code, kept from one submission to the next.

Every submission of a challenge is compared with the same starter: the starter's versions of
the files the candidate changed, usually the same few files. Their figures are kept, keyed by
everything they depend on: the starter directory, the files, the grader's options and each
file's size and modification time, so a starter edited on disk is measured again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

_T = TypeVar("_T")


class StarterCache(Generic[_T]):
    """A small, thread-safe, least-recently-used store of starter figures (immutable values)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, _T] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, starter: Path, files: Sequence[str], options: Hashable, compute: Callable[[], _T]
    ) -> _T:
        """The figures of ``files`` under ``starter`` with ``options``; ``compute`` if new."""
        stamps = []
        for name in files:
            status = (starter / name).stat()
            stamps.append((name, status.st_size, status.st_mtime_ns))
        key = (str(starter.resolve()), options, tuple(stamps))
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
