"""Key-value store with TTLs and transactions (does not even import)."""

import threading
import time


class KVStoreError(Exception):
    pass


class NoTransactionError(KVStoreError):
    pass


class KVStore:
    def __init__(self, clock=None):
        self._clock = clock or time.monotonic
        self._data = {}
        self._lock = threading.Lock()

    def set(self, key, value, ttl=None)
        with self._lock:
            deadline = None if ttl is None else self._clock() + ttl
            self._data[key] = (value, deadline)

    def get(self, key, default=None):
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return default
            value, deadline = entry
            if deadline is not None and self._clock() >= deadline:
                del self._data[key]
                return default
            return value
