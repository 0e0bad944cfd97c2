"""Transactions: begin/commit/rollback, nesting, the context manager."""

import pytest
from kvstore import KVStore, KVStoreError, NoTransactionError

pytestmark = pytest.mark.transactions


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


def test_rollback_undoes_set_and_delete():
    store, _ = make_store()
    store.set("keep", 1)
    store.set("drop", 2)
    store.begin()
    store.set("keep", 100)
    store.set("new", 3)
    assert store.delete("drop") is True
    store.rollback()
    assert store.get("keep") == 1
    assert store.get("drop") == 2
    assert store.exists("new") is False
    assert store.keys() == ["drop", "keep"]


def test_commit_keeps_changes():
    store, _ = make_store()
    store.set("a", 1)
    store.begin()
    store.set("a", 2)
    store.set("b", 3)
    store.delete("a")
    store.commit()
    assert store.transaction_depth == 0
    assert store.get("a") is None
    assert store.get("b") == 3


def test_commit_or_rollback_without_transaction_raises():
    store, _ = make_store()
    with pytest.raises(NoTransactionError):
        store.commit()
    with pytest.raises(NoTransactionError):
        store.rollback()
    assert issubclass(NoTransactionError, KVStoreError)
    assert issubclass(KVStoreError, Exception)
    store.begin()
    store.commit()
    with pytest.raises(NoTransactionError):
        store.rollback()


def test_reads_inside_transaction_see_own_writes():
    store, _ = make_store()
    store.begin()
    store.set("k", "v")
    assert store.get("k") == "v"
    assert store.keys() == ["k"]
    assert len(store) == 1
    assert store.incr("n") == 1
    assert store.incr("n") == 2
    store.rollback()
    assert len(store) == 0


def test_nested_inner_rollback_keeps_outer_changes():
    store, _ = make_store()
    store.set("x", 0)
    store.begin()
    store.set("x", 1)
    store.begin()
    store.set("x", 2)
    store.set("y", 2)
    store.rollback()
    assert store.get("x") == 1
    assert store.exists("y") is False
    store.commit()
    assert store.get("x") == 1
    assert store.transaction_depth == 0


def test_outer_rollback_discards_inner_committed_changes():
    store, _ = make_store()
    store.set("x", "original")
    store.begin()
    store.set("a", 1)
    store.begin()
    store.set("x", "inner")
    store.set("b", 2)
    store.commit()
    assert store.get("x") == "inner"
    assert store.get("b") == 2
    store.rollback()
    assert store.get("x") == "original"
    assert store.exists("a") is False
    assert store.exists("b") is False
    assert store.transaction_depth == 0


def test_nested_commits_persist_all_levels():
    store, _ = make_store()
    store.begin()
    store.set("a", 1)
    store.begin()
    store.set("b", 2)
    store.begin()
    store.set("c", 3)
    store.commit()
    store.commit()
    store.commit()
    assert store.keys() == ["a", "b", "c"]
    with pytest.raises(NoTransactionError):
        store.rollback()
    assert store.keys() == ["a", "b", "c"]


def test_transaction_depth_tracks_nesting():
    store, _ = make_store()
    assert store.transaction_depth == 0
    store.begin()
    store.begin()
    assert store.transaction_depth == 2
    store.commit()
    assert store.transaction_depth == 1
    store.rollback()
    assert store.transaction_depth == 0


def test_rollback_restores_value_and_deadline():
    store, clock = make_store()
    store.set("k", "old", ttl=10)
    store.begin()
    store.set("k", "new")
    clock.advance(4)
    store.rollback()
    assert store.get("k") == "old"
    assert store.ttl("k") == pytest.approx(6.0)
    clock.advance(6)
    assert store.get("k") is None


def test_rollback_does_not_revive_expired_key():
    store, clock = make_store()
    store.set("k", "v", ttl=10)
    store.begin()
    store.delete("k")
    clock.advance(15)
    store.rollback()
    assert store.get("k") is None
    assert store.keys() == []


def test_rollback_undoes_incr_expire_persist_and_clear():
    store, clock = make_store()
    store.set("n", 5)
    store.set("t", "v", ttl=20)
    store.set("p", "v")
    store.begin()
    store.incr("n", 10)
    store.persist("t")
    store.expire("p", 1)
    store.clear()
    assert len(store) == 0
    store.rollback()
    assert store.get("n") == 5
    assert store.ttl("t") == pytest.approx(20.0)
    assert store.ttl("p") is None
    clock.advance(5)
    assert store.keys() == ["n", "p", "t"]


def test_transaction_context_manager():
    store, _ = make_store()
    with store.transaction() as tx:
        assert tx is store
        assert store.transaction_depth == 1
        store.set("committed", 1)
    assert store.transaction_depth == 0
    assert store.get("committed") == 1

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.transaction():
        store.set("committed", 2)
        store.set("rolled-back", 3)
        raise Boom()
    assert store.transaction_depth == 0
    assert store.get("committed") == 1
    assert store.exists("rolled-back") is False
