"""kvstore: an in-memory key-value store with TTLs and nested transactions.

Design
------
* ``_base`` maps key -> ``_Entry`` for committed data.
* Each open transaction is an *overlay layer*: a dict key -> ``_Entry`` or
  ``_TOMBSTONE``.  Reads look through the layers from the innermost outwards,
  then at ``_base``.  Commit folds the top layer into the one below (or into
  the base); rollback simply drops it.
* Expiry is lazy on read, plus a min-heap of ``(deadline, key)`` for the
  committed data so that ``purge_expired`` only touches entries that are due.
  Heap records are never updated in place; stale ones are skipped on pop.
* One non-reentrant ``threading.Lock``; public methods take it once and call
  ``_unlocked`` helpers.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["KVStore", "KVStoreError", "NoTransactionError"]


class KVStoreError(Exception):
    """Base class for store errors."""


class NoTransactionError(KVStoreError):
    """Raised by commit()/rollback() when no transaction is open."""


@dataclass(frozen=True, slots=True)
class _Entry:
    value: Any
    deadline: float | None

    def alive(self, now: float) -> bool:
        return self.deadline is None or now < self.deadline


_TOMBSTONE = object()


def _require_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"keys must be str, got {type(key).__name__}")


def _require_ttl(ttl: object) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be int or float, got {type(ttl).__name__}")
    if not (math.isfinite(ttl) and ttl > 0):
        raise ValueError(f"ttl must be finite and > 0, got {ttl!r}")
    return float(ttl)


def _require_int(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be int, got {type(value).__name__}")
    return value


class KVStore:
    """Thread-safe key-value store; ``clock`` defaults to ``time.monotonic``."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._now = clock or time.monotonic
        self._base: dict[str, _Entry] = {}
        self._heap: list[tuple[float, str]] = []
        self._layers: list[dict[str, object]] = []
        self._mutex = threading.Lock()

    # ----------------------------------------------------------- internals

    def _lookup(self, key: str, now: float) -> _Entry | None:
        for layer in reversed(self._layers):
            if key in layer:
                found = layer[key]
                if found is _TOMBSTONE:
                    return None
                assert isinstance(found, _Entry)
                return found if found.alive(now) else None
        entry = self._base.get(key)
        if entry is None:
            return None
        if not entry.alive(now):
            del self._base[key]
            return None
        return entry

    def _put(self, key: str, entry: object) -> None:
        if self._layers:
            self._layers[-1][key] = entry
        else:
            self._put_base(key, entry)

    def _put_base(self, key: str, entry: object) -> None:
        if entry is _TOMBSTONE:
            self._base.pop(key, None)
            return
        assert isinstance(entry, _Entry)
        self._base[key] = entry
        if entry.deadline is not None:
            heapq.heappush(self._heap, (entry.deadline, key))

    def _visible_keys(self, now: float) -> list[str]:
        candidates = set(self._base)
        for layer in self._layers:
            candidates.update(layer)
        return sorted(k for k in candidates if self._lookup(k, now) is not None)

    # ------------------------------------------------------------- basics

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value``; replaces the previous value and TTL."""
        _require_key(key)
        seconds = None if ttl is None else _require_ttl(ttl)
        with self._mutex:
            deadline = None if seconds is None else self._now() + seconds
            self._put(key, _Entry(value, deadline))

    def get(self, key: str, default: Any = None) -> Any:
        """Value of ``key`` or ``default`` when absent/expired."""
        _require_key(key)
        with self._mutex:
            entry = self._lookup(key, self._now())
        return default if entry is None else entry.value

    def delete(self, key: str) -> bool:
        """Delete ``key``; True if it was live."""
        _require_key(key)
        with self._mutex:
            if self._lookup(key, self._now()) is None:
                return False
            self._put(key, _TOMBSTONE)
            return True

    def exists(self, key: str) -> bool:
        """True when ``key`` is live."""
        _require_key(key)
        with self._mutex:
            return self._lookup(key, self._now()) is not None

    __contains__ = exists

    def keys(self) -> list[str]:
        """Sorted list of live keys."""
        with self._mutex:
            return self._visible_keys(self._now())

    def __len__(self) -> int:
        with self._mutex:
            return len(self._visible_keys(self._now()))

    def clear(self) -> None:
        """Remove all keys."""
        with self._mutex:
            if not self._layers:
                self._base.clear()
                self._heap.clear()
                return
            for key in self._visible_keys(self._now()):
                self._put(key, _TOMBSTONE)

    # ---------------------------------------------------------------- TTL

    def expire(self, key: str, ttl: float) -> bool:
        """Deadline of a live key becomes now + ttl; False if absent."""
        _require_key(key)
        seconds = _require_ttl(ttl)
        with self._mutex:
            now = self._now()
            entry = self._lookup(key, now)
            if entry is None:
                return False
            self._put(key, _Entry(entry.value, now + seconds))
            return True

    def persist(self, key: str) -> bool:
        """Drop the TTL of ``key``; True if there was one."""
        _require_key(key)
        with self._mutex:
            entry = self._lookup(key, self._now())
            if entry is None or entry.deadline is None:
                return False
            self._put(key, _Entry(entry.value, None))
            return True

    def ttl(self, key: str) -> float | None:
        """Remaining seconds, None without TTL; KeyError if absent."""
        _require_key(key)
        with self._mutex:
            now = self._now()
            entry = self._lookup(key, now)
            if entry is None:
                raise KeyError(key)
            return None if entry.deadline is None else entry.deadline - now

    def purge_expired(self) -> int:
        """Remove due entries of the committed data using the deadline heap."""
        with self._mutex:
            now = self._now()
            removed = 0
            while self._heap and self._heap[0][0] <= now:
                deadline, key = heapq.heappop(self._heap)
                entry = self._base.get(key)
                if entry is not None and entry.deadline == deadline:
                    del self._base[key]
                    removed += 1
            return removed

    # ----------------------------------------------------------- counters

    def incr(self, key: str, amount: int = 1) -> int:
        """Add ``amount`` to an int value (absent = 0); keeps the deadline."""
        _require_key(key)
        _require_int("amount", amount)
        with self._mutex:
            entry = self._lookup(key, self._now())
            if entry is None:
                entry = _Entry(0, None)
            _require_int(f"value at {key!r}", entry.value)
            result = entry.value + amount
            self._put(key, _Entry(result, entry.deadline))
            return result

    def decr(self, key: str, amount: int = 1) -> int:
        """``incr(key, -amount)``."""
        return self.incr(key, -_require_int("amount", amount))

    # ------------------------------------------------------- transactions

    def begin(self) -> None:
        """Open a nested transaction layer."""
        with self._mutex:
            self._layers.append({})

    def commit(self) -> None:
        """Fold the innermost layer into its parent (or into the base)."""
        with self._mutex:
            if not self._layers:
                raise NoTransactionError("no transaction to commit")
            top = self._layers.pop()
            if self._layers:
                self._layers[-1].update(top)
            else:
                for key, entry in top.items():
                    self._put_base(key, entry)

    def rollback(self) -> None:
        """Discard the innermost layer."""
        with self._mutex:
            if not self._layers:
                raise NoTransactionError("no transaction to roll back")
            self._layers.pop()

    @property
    def transaction_depth(self) -> int:
        with self._mutex:
            return len(self._layers)

    @contextmanager
    def transaction(self) -> Iterator[KVStore]:
        """Commit on normal exit, roll back (and re-raise) on error."""
        self.begin()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            self.commit()
