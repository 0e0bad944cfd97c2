"""An in-memory key-value store with per-key TTLs and nested transactions.

Starter skeleton: every method raises NotImplementedError. See the challenge
spec for the exact behaviour of each method; you may restructure this module
(or split it into several) as long as the public API stays the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["KVStore", "KVStoreError", "NoTransactionError"]


class KVStoreError(Exception):
    """Base class for errors raised by KVStore."""


class NoTransactionError(KVStoreError):
    """commit() or rollback() was called with no open transaction."""


class KVStore:
    """A thread-safe in-memory key-value store with TTLs and transactions.

    Args:
        clock: zero-argument callable returning the current time in seconds.
            Defaults to time.monotonic. The store reads "now" only from it.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        raise NotImplementedError

    # ----------------------------------------------------------------- basics

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store value under key, replacing any previous value and TTL.

        Raises:
            TypeError: key is not a str, or ttl is not an int/float (bool excluded).
            ValueError: ttl is not finite or not > 0.
        """
        raise NotImplementedError

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of key, or default if it is absent or expired."""
        raise NotImplementedError

    def delete(self, key: str) -> bool:
        """Remove key; return True if a live key was removed."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        """Return True if key is present and not expired."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        """Same as exists(key)."""
        raise NotImplementedError

    def keys(self) -> list[str]:
        """Return a new list of the live keys, sorted ascending."""
        raise NotImplementedError

    def __len__(self) -> int:
        """Return the number of live keys."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key."""
        raise NotImplementedError

    # -------------------------------------------------------------------- TTL

    def expire(self, key: str, ttl: float) -> bool:
        """Set the deadline of an existing key to clock() + ttl.

        Returns False (and changes nothing) if the key is absent or expired.
        """
        raise NotImplementedError

    def persist(self, key: str) -> bool:
        """Remove the TTL of key; True only if a TTL was actually removed."""
        raise NotImplementedError

    def ttl(self, key: str) -> float | None:
        """Seconds left before key expires, or None if it has no TTL.

        Raises:
            KeyError: the key is absent or expired.
        """
        raise NotImplementedError

    def purge_expired(self) -> int:
        """Physically remove expired entries; return how many were removed."""
        raise NotImplementedError

    # --------------------------------------------------------------- counters

    def incr(self, key: str, amount: int = 1) -> int:
        """Add amount to the int at key (absent counts as 0); return the result.

        Raises:
            TypeError: amount or the stored value is not an int (bool excluded).
        """
        raise NotImplementedError

    def decr(self, key: str, amount: int = 1) -> int:
        """Same as incr(key, -amount)."""
        raise NotImplementedError

    # ----------------------------------------------------------- transactions

    def begin(self) -> None:
        """Open a (possibly nested) transaction."""
        raise NotImplementedError

    def commit(self) -> None:
        """Close the innermost transaction, keeping its changes.

        Raises:
            NoTransactionError: no transaction is open.
        """
        raise NotImplementedError

    def rollback(self) -> None:
        """Close the innermost transaction, undoing its changes.

        Raises:
            NoTransactionError: no transaction is open.
        """
        raise NotImplementedError

    @property
    def transaction_depth(self) -> int:
        """Number of open transactions (0 when none)."""
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[KVStore]:
        """Context manager: begin(); commit() on success, rollback() on exception."""
        raise NotImplementedError
        yield self  # pragma: no cover - makes this a generator
