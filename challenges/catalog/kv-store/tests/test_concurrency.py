"""Thread safety: every public method must be atomic under concurrent use."""

import sys
import threading

import pytest
from kvstore import KVStore

pytestmark = pytest.mark.concurrency


class FakeClock:
    """A manually advanced clock that is itself safe to read from many threads."""

    def __init__(self, start=1000.0):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            return self.now

    def advance(self, seconds):
        with self._lock:
            self.now += seconds


def run_threads(targets, timeout=5.0):
    """Start every target at the same moment, join them, re-raise the first error.

    The interpreter is made to switch threads very often while they run, so
    that unsynchronised read-modify-write sequences are interleaved.
    """
    errors = []
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        def body():
            try:
                barrier.wait()
                target()
            except BaseException as exc:
                errors.append(exc)

        return body

    threads = [threading.Thread(target=wrap(t), daemon=True) for t in targets]
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
    finally:
        sys.setswitchinterval(previous)
    assert not any(thread.is_alive() for thread in threads), "threads did not finish"
    if errors:
        raise errors[0]


def test_concurrent_incr_is_atomic():
    store = KVStore(clock=FakeClock())

    def worker():
        for _ in range(2000):
            store.incr("counter")

    run_threads([worker] * 8)
    assert store.get("counter") == 16000


def test_concurrent_writers_on_distinct_keys():
    store = KVStore(clock=FakeClock())

    def writer(n):
        def body():
            for i in range(30):
                store.set(f"w{n}-{i:03d}", i)
            for i in range(0, 30, 2):
                assert store.delete(f"w{n}-{i:03d}") is True

        return body

    run_threads([writer(n) for n in range(8)])
    expected = sorted(f"w{n}-{i:03d}" for n in range(8) for i in range(1, 30, 2))
    assert store.keys() == expected
    assert len(store) == 120


def test_readers_see_consistent_snapshots_during_writes():
    store = KVStore(clock=FakeClock())
    stop = threading.Event()

    def writer(n):
        def body():
            try:
                for i in range(100):
                    store.set(f"{n}:{i}", i)
                    if i % 3 == 0:
                        store.delete(f"{n}:{i}")
            finally:
                stop.set()

        return body

    def reader():
        while not stop.is_set():
            keys = store.keys()
            assert keys == sorted(keys)
            assert len(set(keys)) == len(keys)
            assert len(store) >= 0

    run_threads([writer(0), writer(1), reader, reader])
    assert len(store) == 132


def test_concurrent_expiry_and_reads():
    clock = FakeClock()
    store = KVStore(clock=clock)
    for i in range(100):
        store.set(f"k{i}", i, ttl=1 + (i % 10))

    def reader():
        for _ in range(5):
            for i in range(100):
                store.get(f"k{i}")
                store.exists(f"k{i}")

    def ticker():
        for _ in range(12):
            clock.advance(1)
            store.purge_expired()

    run_threads([reader, reader, reader, ticker])
    clock.advance(20)
    assert len(store) == 0
    assert store.keys() == []


def test_concurrent_incr_on_many_counters_with_ttl():
    clock = FakeClock()
    store = KVStore(clock=clock)
    for i in range(4):
        store.set(f"c{i}", 0, ttl=60)

    def worker(n):
        def body():
            for j in range(1000):
                store.incr(f"c{(n + j) % 4}", 2)
                store.decr(f"c{(n + j) % 4}")

        return body

    run_threads([worker(n) for n in range(4)])
    assert sum(store.get(f"c{i}") for i in range(4)) == 4000
    for i in range(4):
        assert store.ttl(f"c{i}") == pytest.approx(60.0)
