"""Core operations: set/get/delete/exists/keys/len/incr/clear."""

import time

import pytest
from kvstore import KVStore

pytestmark = pytest.mark.core


class FakeClock:
    """A manually advanced clock; starts far from zero on purpose."""

    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def make_store():
    return KVStore(clock=FakeClock())


def test_set_then_get_returns_value():
    store = make_store()
    assert store.set("a", 1) is None
    store.set("b", "two")
    assert store.get("a") == 1
    assert store.get("b") == "two"


def test_get_missing_returns_default():
    store = make_store()
    assert store.get("nope") is None
    assert store.get("nope", 42) == 42
    assert store.get("nope", default="d") == "d"


def test_set_overwrites_existing_value():
    store = make_store()
    store.set("k", "old")
    store.set("k", "new")
    assert store.get("k") == "new"
    assert len(store) == 1


def test_delete_returns_true_then_false():
    store = make_store()
    store.set("k", 1)
    assert store.delete("k") is True
    assert store.get("k") is None
    assert store.delete("k") is False
    assert store.delete("never-set") is False


def test_exists_and_contains():
    store = make_store()
    store.set("k", 0)
    assert store.exists("k") is True
    assert "k" in store
    assert store.exists("other") is False
    assert "other" not in store
    store.delete("k")
    assert store.exists("k") is False
    assert "k" not in store


def test_keys_sorted_and_len():
    store = make_store()
    assert store.keys() == []
    assert len(store) == 0
    for key in ["pear", "apple", "fig"]:
        store.set(key, key.upper())
    keys = store.keys()
    assert isinstance(keys, list)
    assert keys == ["apple", "fig", "pear"]
    assert len(store) == 3
    store.delete("fig")
    assert store.keys() == ["apple", "pear"]
    assert len(store) == 2


def test_values_are_stored_as_is():
    store = make_store()
    payload = {"nested": [1, 2, 3]}
    store.set("obj", payload)
    assert store.get("obj") is payload


def test_incr_creates_and_accumulates():
    store = make_store()
    assert store.incr("c") == 1
    assert store.incr("c", 5) == 6
    assert store.incr("c", amount=-10) == -4
    assert store.get("c") == -4
    assert store.decr("d") == -1
    assert store.decr("d", 4) == -5
    assert store.get("d") == -5


def test_incr_on_non_integer_raises_type_error():
    store = make_store()
    store.set("s", "abc")
    with pytest.raises(TypeError):
        store.incr("s")
    assert store.get("s") == "abc"
    store.set("f", 1.5)
    with pytest.raises(TypeError):
        store.incr("f")
    assert store.get("f") == 1.5


def test_clear_removes_everything():
    store = make_store()
    for i in range(5):
        store.set(f"k{i}", i)
    store.set("t", 1, ttl=30)
    assert store.clear() is None
    assert len(store) == 0
    assert store.keys() == []
    assert store.get("k0") is None
    store.set("again", 1)
    assert store.keys() == ["again"]


def test_default_clock_is_real_time():
    store = KVStore()
    store.set("long", "v", ttl=60)
    assert store.get("long") == "v"
    assert 55 < store.ttl("long") <= 60
    store.set("short", "v", ttl=0.01)
    time.sleep(0.03)
    assert store.get("short") is None
    assert store.get("long") == "v"
