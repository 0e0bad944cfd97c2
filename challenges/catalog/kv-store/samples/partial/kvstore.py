"""Key-value store with TTLs.

TODO: transactions (ran out of time).
"""

import math
import threading
import time


class KVStoreError(Exception):
    pass


class NoTransactionError(KVStoreError):
    pass


class KVStore:
    def __init__(self, clock=None):
        if clock is None:
            clock = time.monotonic
        self.clock = clock
        self.values = {}
        self.expires_at = {}  # key -> deadline, only for keys with a TTL
        self.lock = threading.RLock()

    def _check_key(self, key):
        if not isinstance(key, str):
            raise TypeError("key must be a string")

    def _check_ttl(self, ttl):
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
            raise TypeError("ttl must be a number")
        if math.isnan(ttl) or math.isinf(ttl) or ttl <= 0:
            raise ValueError("ttl must be positive")

    def _expire_if_needed(self, key):
        deadline = self.expires_at.get(key)
        if deadline is not None and self.clock() >= deadline:
            del self.values[key]
            del self.expires_at[key]

    def set(self, key, value, ttl=None):
        self._check_key(key)
        if ttl is not None:
            self._check_ttl(ttl)
        with self.lock:
            self.values[key] = value
            if ttl is None:
                self.expires_at.pop(key, None)
            else:
                self.expires_at[key] = self.clock() + ttl

    def get(self, key, default=None):
        self._check_key(key)
        with self.lock:
            self._expire_if_needed(key)
            return self.values.get(key, default)

    def delete(self, key):
        self._check_key(key)
        with self.lock:
            self._expire_if_needed(key)
            if key in self.values:
                del self.values[key]
                self.expires_at.pop(key, None)
                return True
            return False

    def exists(self, key):
        self._check_key(key)
        with self.lock:
            self._expire_if_needed(key)
            return key in self.values

    def __contains__(self, key):
        return self.exists(key)

    def keys(self):
        with self.lock:
            for key in list(self.values):
                self._expire_if_needed(key)
            return sorted(self.values)

    def __len__(self):
        return len(self.keys())

    def clear(self):
        with self.lock:
            self.values.clear()
            self.expires_at.clear()

    def expire(self, key, ttl):
        self._check_key(key)
        self._check_ttl(ttl)
        with self.lock:
            self._expire_if_needed(key)
            if key not in self.values:
                return False
            self.expires_at[key] = self.clock() + ttl
            return True

    def persist(self, key):
        self._check_key(key)
        with self.lock:
            self._expire_if_needed(key)
            if key in self.values and key in self.expires_at:
                del self.expires_at[key]
                return True
            return False

    def ttl(self, key):
        self._check_key(key)
        with self.lock:
            self._expire_if_needed(key)
            if key not in self.values:
                raise KeyError(key)
            if key not in self.expires_at:
                return None
            return self.expires_at[key] - self.clock()

    def purge_expired(self):
        with self.lock:
            count = 0
            for key in list(self.expires_at):
                if key in self.expires_at and self.clock() >= self.expires_at[key]:
                    self._expire_if_needed(key)
                    count += 1
            return count

    def incr(self, key, amount=1):
        self._check_key(key)
        if type(amount) is not int:
            raise TypeError("amount must be an int")
        with self.lock:
            self._expire_if_needed(key)
            current = self.values.get(key, 0)
            if type(current) is not int:
                raise TypeError("value is not an int")
            self.values[key] = current + amount
            return current + amount

    def decr(self, key, amount=1):
        if type(amount) is not int:
            raise TypeError("amount must be an int")
        return self.incr(key, -amount)

    # transactions: not done yet

    def begin(self):
        raise NotImplementedError

    def commit(self):
        raise NotImplementedError

    def rollback(self):
        raise NotImplementedError

    @property
    def transaction_depth(self):
        raise NotImplementedError

    def transaction(self):
        raise NotImplementedError
