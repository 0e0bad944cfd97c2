"""An in-memory key-value store with per-key TTLs and nested transactions.

Reference solution for the ``kv-store`` challenge.

Design in one paragraph: entries live in a plain dict mapping each key to a
``(value, deadline)`` pair, where ``deadline`` is an absolute clock reading (or
``None`` for "never expires").  Expiry is *lazy*: a key is treated as absent as
soon as ``clock() >= deadline`` and is physically removed the next time it is
touched (or by :meth:`KVStore.purge_expired`).  Transactions are a stack of
undo logs: the first time a key changes inside a transaction, its previous
``(value, deadline)`` (or "absent") is recorded; rollback replays the log,
commit of an inner transaction folds its log into its parent's.  One
re-entrant lock serialises every public method.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["KVStore", "KVStoreError", "NoTransactionError"]


class KVStoreError(Exception):
    """Base class for errors raised by :class:`KVStore`."""


class NoTransactionError(KVStoreError):
    """``commit()`` or ``rollback()`` was called with no open transaction."""


# Sentinel recorded in an undo log for "the key did not exist".
_ABSENT = object()

# An entry is (value, deadline); deadline is None when the key never expires.
_Entry = tuple[Any, "float | None"]


def _check_key(key: object) -> None:
    if not isinstance(key, str):
        raise TypeError(f"key must be str, not {type(key).__name__}")


def _check_ttl(ttl: object) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError(f"ttl must be an int or float, not {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"ttl must be a finite number > 0, got {ttl!r}")
    return float(ttl)


def _check_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


class KVStore:
    """A thread-safe in-memory key-value store.

    Args:
        clock: zero-argument callable returning the current time in seconds
            as a float.  Defaults to :func:`time.monotonic`.  Every notion of
            "now" in the store comes from this callable.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock: Callable[[], float] = clock if clock is not None else time.monotonic
        self._data: dict[str, _Entry] = {}
        self._undo: list[dict[str, object]] = []  # one undo log per open transaction
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ helpers

    def _live(self, key: str, now: float) -> _Entry | None:
        """Return the live entry for ``key``, dropping it if it has expired."""
        entry = self._data.get(key)
        if entry is None:
            return None
        deadline = entry[1]
        if deadline is not None and now >= deadline:
            # Physically removing an expired entry is not a logical change
            # (the key was already absent), so it is never logged.
            del self._data[key]
            return None
        return entry

    def _write(self, key: str, entry: _Entry | None) -> None:
        """Replace (or, with ``None``, remove) the entry for ``key``, logging it."""
        if self._undo:
            log = self._undo[-1]
            if key not in log:
                log[key] = self._data.get(key, _ABSENT)
        if entry is None:
            self._data.pop(key, None)
        else:
            self._data[key] = entry

    # -------------------------------------------------------------- basic ops

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``, replacing any previous value and TTL."""
        _check_key(key)
        seconds = None if ttl is None else _check_ttl(ttl)
        with self._lock:
            deadline = None if seconds is None else self._clock() + seconds
            self._write(key, (value, deadline))

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default`` if it is absent or expired."""
        _check_key(key)
        with self._lock:
            entry = self._live(key, self._clock())
            return default if entry is None else entry[0]

    def delete(self, key: str) -> bool:
        """Remove ``key``; return True if a live key was removed."""
        _check_key(key)
        with self._lock:
            if self._live(key, self._clock()) is None:
                return False
            self._write(key, None)
            return True

    def exists(self, key: str) -> bool:
        """Return True if ``key`` is present and not expired."""
        _check_key(key)
        with self._lock:
            return self._live(key, self._clock()) is not None

    def __contains__(self, key: object) -> bool:
        return self.exists(key)  # type: ignore[arg-type]

    def keys(self) -> list[str]:
        """Return the live keys, sorted ascending."""
        with self._lock:
            now = self._clock()
            return sorted(k for k in list(self._data) if self._live(k, now) is not None)

    def __len__(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for k in list(self._data) if self._live(k, now) is not None)

    def clear(self) -> None:
        """Remove every key (undone by a rollback, like any other change)."""
        with self._lock:
            for key in list(self._data):
                self._write(key, None)

    # -------------------------------------------------------------------- TTL

    def expire(self, key: str, ttl: float) -> bool:
        """Give ``key`` a TTL of ``ttl`` seconds from now; False if it is absent."""
        _check_key(key)
        seconds = _check_ttl(ttl)
        with self._lock:
            now = self._clock()
            entry = self._live(key, now)
            if entry is None:
                return False
            self._write(key, (entry[0], now + seconds))
            return True

    def persist(self, key: str) -> bool:
        """Remove the TTL of ``key``; True only if a TTL was actually removed."""
        _check_key(key)
        with self._lock:
            entry = self._live(key, self._clock())
            if entry is None or entry[1] is None:
                return False
            self._write(key, (entry[0], None))
            return True

    def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires, ``None`` if it never does.

        Raises:
            KeyError: the key is absent or expired.
        """
        _check_key(key)
        with self._lock:
            now = self._clock()
            entry = self._live(key, now)
            if entry is None:
                raise KeyError(key)
            return None if entry[1] is None else entry[1] - now

    def purge_expired(self) -> int:
        """Physically remove expired entries; return how many were removed."""
        with self._lock:
            now = self._clock()
            before = len(self._data)
            for key in list(self._data):
                self._live(key, now)
            return before - len(self._data)

    # ---------------------------------------------------------------- counters

    def incr(self, key: str, amount: int = 1) -> int:
        """Add ``amount`` to the int stored at ``key`` (0 if absent); return it.

        An existing TTL is kept; a key created by ``incr`` has no TTL.

        Raises:
            TypeError: ``amount`` or the stored value is not an int (bools are
                not ints here); the stored value is left unchanged.
        """
        _check_key(key)
        _check_int("amount", amount)
        with self._lock:
            entry = self._live(key, self._clock())
            if entry is None:
                current, deadline = 0, None
            else:
                current, deadline = entry
                if isinstance(current, bool) or not isinstance(current, int):
                    raise TypeError(f"value of {key!r} is {type(current).__name__}, not int")
            result = current + amount
            self._write(key, (result, deadline))
            return result

    def decr(self, key: str, amount: int = 1) -> int:
        """Same as ``incr(key, -amount)``."""
        _check_key(key)
        return self.incr(key, -_check_int("amount", amount))

    # ----------------------------------------------------------- transactions

    def begin(self) -> None:
        """Open a (possibly nested) transaction."""
        with self._lock:
            self._undo.append({})

    def commit(self) -> None:
        """Close the innermost transaction, keeping its changes.

        An inner commit hands its changes to the enclosing transaction (they
        are still undone if that one rolls back); the outermost commit makes
        them permanent.
        """
        with self._lock:
            if not self._undo:
                raise NoTransactionError("commit() with no open transaction")
            log = self._undo.pop()
            if self._undo:
                parent = self._undo[-1]
                for key, previous in log.items():
                    parent.setdefault(key, previous)

    def rollback(self) -> None:
        """Close the innermost transaction, undoing every change made since its begin()."""
        with self._lock:
            if not self._undo:
                raise NoTransactionError("rollback() with no open transaction")
            log = self._undo.pop()
            for key, previous in log.items():
                if previous is _ABSENT:
                    self._data.pop(key, None)
                else:
                    self._data[key] = previous  # type: ignore[assignment]

    @property
    def transaction_depth(self) -> int:
        """Number of currently open transactions (0 when none)."""
        with self._lock:
            return len(self._undo)

    @contextmanager
    def transaction(self) -> Iterator[KVStore]:
        """``with store.transaction():`` — commit on success, roll back on exception."""
        self.begin()
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.commit()
