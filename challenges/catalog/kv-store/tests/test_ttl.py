"""Expiry: TTLs measured with the injected clock."""

import pytest
from kvstore import KVStore

pytestmark = pytest.mark.ttl


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


def test_key_visible_before_ttl_elapses():
    store, clock = make_store()
    store.set("k", "v", ttl=10)
    clock.advance(9.5)
    assert store.get("k") == "v"
    assert store.exists("k")


def test_key_expires_exactly_at_deadline():
    store, clock = make_store()
    store.set("k", "v", ttl=10)
    clock.advance(10)
    assert store.get("k") is None
    assert store.get("k", "gone") == "gone"
    assert store.exists("k") is False
    assert "k" not in store


def test_ttl_counts_from_set_time():
    store, clock = make_store()
    clock.advance(500)
    store.set("k", "v", ttl=10)
    clock.advance(9.5)
    assert store.get("k") == "v"
    clock.advance(0.5)
    assert store.get("k") is None


def test_expired_keys_missing_from_keys_and_len():
    store, clock = make_store()
    store.set("short", 1, ttl=5)
    store.set("long", 2, ttl=50)
    store.set("forever", 3)
    assert store.keys() == ["forever", "long", "short"]
    clock.advance(5)
    assert store.keys() == ["forever", "long"]
    assert len(store) == 2
    clock.advance(100)
    assert store.keys() == ["forever"]
    assert len(store) == 1


def test_ttl_reports_remaining_seconds():
    store, clock = make_store()
    store.set("k", "v", ttl=10)
    assert store.ttl("k") == pytest.approx(10.0)
    clock.advance(4)
    assert store.ttl("k") == pytest.approx(6.0)
    store.set("plain", "v")
    assert store.ttl("plain") is None
    with pytest.raises(KeyError):
        store.ttl("missing")


def test_ttl_of_expired_key_raises_key_error():
    store, clock = make_store()
    store.set("k", "v", ttl=2)
    clock.advance(2)
    with pytest.raises(KeyError):
        store.ttl("k")


def test_set_without_ttl_clears_previous_ttl():
    store, clock = make_store()
    store.set("k", "old", ttl=5)
    store.set("k", "new")
    assert store.ttl("k") is None
    clock.advance(1000)
    assert store.get("k") == "new"


def test_set_with_ttl_replaces_previous_ttl():
    store, clock = make_store()
    store.set("k", "old", ttl=5)
    clock.advance(4)
    store.set("k", "new", ttl=5)
    clock.advance(4)
    assert store.get("k") == "new"
    clock.advance(1)
    assert store.get("k") is None


def test_expire_sets_ttl_on_existing_key_only():
    store, clock = make_store()
    assert store.expire("missing", 5) is False
    assert store.exists("missing") is False
    store.set("k", "v")
    assert store.expire("k", 5) is True
    assert store.ttl("k") == pytest.approx(5.0)
    clock.advance(3)
    assert store.expire("k", 5) is True
    clock.advance(4)
    assert store.get("k") == "v"
    clock.advance(1)
    assert store.get("k") is None
    assert store.expire("k", 5) is False


def test_persist_removes_ttl():
    store, clock = make_store()
    store.set("k", "v", ttl=5)
    assert store.persist("k") is True
    assert store.ttl("k") is None
    clock.advance(100)
    assert store.get("k") == "v"
    assert store.persist("k") is False
    assert store.persist("missing") is False


def test_incr_preserves_ttl():
    store, clock = make_store()
    store.set("c", 1, ttl=10)
    clock.advance(5)
    assert store.incr("c") == 2
    assert store.ttl("c") == pytest.approx(5.0)
    clock.advance(5)
    assert store.get("c") is None
    assert store.incr("c") == 1
    assert store.ttl("c") is None


def test_delete_of_expired_key_returns_false():
    store, clock = make_store()
    store.set("k", "v", ttl=1)
    clock.advance(1)
    assert store.delete("k") is False


def test_purge_expired_counts_removed_entries():
    store, clock = make_store()
    for i in range(3):
        store.set(f"short{i}", i, ttl=5)
    store.set("long", 1, ttl=20)
    store.set("forever", 1)
    assert store.purge_expired() == 0
    clock.advance(5)
    assert store.purge_expired() == 3
    assert store.purge_expired() == 0
    assert store.keys() == ["forever", "long"]
