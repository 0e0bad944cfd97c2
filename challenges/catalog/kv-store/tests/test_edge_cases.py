"""Edge cases: argument validation, unusual values, awkward sequences."""

import math

import pytest
from kvstore import KVStore

pytestmark = pytest.mark.edge


class FakeClock:
    """A manually advanced clock; starts far from zero on purpose."""

    def __init__(self, start=1000.0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def make_store():
    clock = FakeClock()
    return KVStore(clock=clock), clock


def test_non_string_keys_raise_type_error():
    store, _ = make_store()
    calls = [
        lambda: store.set(1, "v"),
        lambda: store.set(None, "v"),
        lambda: store.get(b"k"),
        lambda: store.delete(1.0),
        lambda: store.exists(("k",)),
        lambda: 1 in store,
        lambda: store.expire(2, 5),
        lambda: store.persist(2),
        lambda: store.ttl(3),
        lambda: store.incr(4),
        lambda: store.decr(5),
    ]
    for call in calls:
        with pytest.raises(TypeError):
            call()
    assert len(store) == 0


def test_invalid_ttl_values_are_rejected():
    store, _ = make_store()
    for bad in (0, 0.0, -1, -0.5, math.inf, math.nan):
        with pytest.raises(ValueError):
            store.set("k", "v", ttl=bad)
    for bad in ("10", True, [5]):
        with pytest.raises(TypeError):
            store.set("k", "v", ttl=bad)
    assert store.exists("k") is False
    store.set("k", "v")
    with pytest.raises(ValueError):
        store.expire("k", 0)
    with pytest.raises(ValueError):
        store.expire("missing", -3)
    with pytest.raises(TypeError):
        store.expire("k", "5")
    assert store.ttl("k") is None
    assert store.get("k") == "v"


def test_none_value_is_distinct_from_missing():
    store, _ = make_store()
    store.set("k", None)
    assert store.exists("k") is True
    assert store.get("k", "default") is None
    assert store.keys() == ["k"]
    assert store.delete("k") is True


def test_empty_and_unicode_keys_are_valid():
    store, _ = make_store()
    store.set("", "empty")
    store.set("ключ", "unicode")
    store.set("x" * 10_000, "long")
    assert store.get("") == "empty"
    assert store.get("ключ") == "unicode"
    assert store.get("x" * 10_000) == "long"
    assert len(store) == 3


def test_incr_type_rules():
    store, _ = make_store()
    with pytest.raises(TypeError):
        store.incr("n", 1.5)
    with pytest.raises(TypeError):
        store.incr("n", True)
    with pytest.raises(TypeError):
        store.incr("n", "1")
    assert store.exists("n") is False
    store.set("flag", True)
    with pytest.raises(TypeError):
        store.incr("flag")
    assert store.get("flag") is True
    store.set("none", None)
    with pytest.raises(TypeError):
        store.incr("none")
    store.set("big", 2**70)
    assert store.incr("big") == 2**70 + 1
    assert store.incr("zero", 0) == 0
    assert store.get("zero") == 0


def test_failed_operation_inside_transaction_keeps_it_usable():
    store, _ = make_store()
    store.set("s", "text")
    store.begin()
    store.set("a", 1)
    with pytest.raises(TypeError):
        store.incr("s")
    with pytest.raises(ValueError):
        store.set("b", 1, ttl=-1)
    assert store.transaction_depth == 1
    store.rollback()
    assert store.keys() == ["s"]
    assert store.get("s") == "text"


def test_rollback_after_key_changed_repeatedly():
    store, _ = make_store()
    store.set("present", "original")
    store.begin()
    store.set("absent", 1)
    store.delete("absent")
    store.set("absent", 2)
    store.delete("present")
    store.set("present", "replaced")
    store.delete("present")
    store.rollback()
    assert store.exists("absent") is False
    assert store.get("present") == "original"


def test_expiry_inside_transaction_then_commit():
    store, clock = make_store()
    store.begin()
    store.set("k", "v", ttl=5)
    clock.advance(5)
    assert store.get("k") is None
    store.commit()
    assert store.get("k") is None
    assert store.keys() == []
