"""In-memory key-value store with TTLs and nested transactions.

Entries are stored as [value, deadline] lists. Each transaction keeps an undo
log of the previous state of every key it touched.
"""

import math
import threading
import time

_MISSING = object()


class KVStoreError(Exception):
    """Base error."""


class NoTransactionError(KVStoreError):
    """No transaction is open."""


class KVStore:
    """Thread-safe key-value store."""

    def __init__(self, clock=None):
        self._clock = clock or time.monotonic
        self._items = {}
        self._logs = []
        self._lock = threading.RLock()

    # helpers

    @staticmethod
    def _validate_key(key):
        if not isinstance(key, str):
            raise TypeError("key must be str")

    @staticmethod
    def _validate_ttl(ttl):
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
            raise TypeError("ttl must be a number")
        if not math.isfinite(ttl) or ttl <= 0:
            raise ValueError("ttl must be > 0")

    def _is_expired(self, item, now):
        # An item is expired once its deadline has passed.
        return item[1] is not None and now > item[1]

    def _find(self, key):
        item = self._items.get(key)
        if item is not None and self._is_expired(item, self._clock()):
            del self._items[key]
            return None
        return item

    def _record(self, key):
        if self._logs and key not in self._logs[-1]:
            old = self._items.get(key, _MISSING)
            self._logs[-1][key] = _MISSING if old is _MISSING else list(old)

    def _store(self, key, value, deadline):
        self._record(key)
        self._items[key] = [value, deadline]

    def _remove(self, key):
        self._record(key)
        del self._items[key]

    # API

    def set(self, key, value, ttl=None):
        self._validate_key(key)
        if ttl is not None:
            self._validate_ttl(ttl)
        with self._lock:
            deadline = None if ttl is None else self._clock() + ttl
            self._store(key, value, deadline)

    def get(self, key, default=None):
        self._validate_key(key)
        with self._lock:
            item = self._find(key)
            return default if item is None else item[0]

    def delete(self, key):
        self._validate_key(key)
        with self._lock:
            if self._find(key) is None:
                return False
            self._remove(key)
            return True

    def exists(self, key):
        self._validate_key(key)
        with self._lock:
            return self._find(key) is not None

    def __contains__(self, key):
        return self.exists(key)

    def keys(self):
        with self._lock:
            return sorted(k for k in list(self._items) if self._find(k) is not None)

    def __len__(self):
        return len(self.keys())

    def clear(self):
        with self._lock:
            for key in list(self._items):
                self._remove(key)

    def expire(self, key, ttl):
        self._validate_key(key)
        self._validate_ttl(ttl)
        with self._lock:
            item = self._find(key)
            if item is None:
                return False
            self._store(key, item[0], self._clock() + ttl)
            return True

    def persist(self, key):
        self._validate_key(key)
        with self._lock:
            item = self._find(key)
            if item is None or item[1] is None:
                return False
            self._store(key, item[0], None)
            return True

    def ttl(self, key):
        self._validate_key(key)
        with self._lock:
            item = self._find(key)
            if item is None:
                raise KeyError(key)
            return None if item[1] is None else item[1] - self._clock()

    def purge_expired(self):
        with self._lock:
            before = len(self._items)
            for key in list(self._items):
                self._find(key)
            return before - len(self._items)

    def incr(self, key, amount=1):
        self._validate_key(key)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount must be int")
        current = self.get(key, 0)
        if isinstance(current, bool) or not isinstance(current, int):
            raise TypeError("value is not an int")
        remaining = self.ttl(key) if self.exists(key) else None
        self.set(key, current + amount, ttl=remaining)
        return current + amount

    def decr(self, key, amount=1):
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount must be int")
        return self.incr(key, -amount)

    # transactions

    def begin(self):
        with self._lock:
            self._logs.append({})

    def commit(self):
        with self._lock:
            if not self._logs:
                raise NoTransactionError("no transaction")
            self._logs.pop()

    def rollback(self):
        with self._lock:
            if not self._logs:
                raise NoTransactionError("no transaction")
            for key, old in self._logs.pop().items():
                if old is _MISSING:
                    self._items.pop(key, None)
                else:
                    self._items[key] = old

    @property
    def transaction_depth(self):
        return len(self._logs)

    def transaction(self):
        return _Transaction(self)


class _Transaction:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.store.begin()
        return self.store

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.store.commit()
        else:
            self.store.rollback()
        return False
