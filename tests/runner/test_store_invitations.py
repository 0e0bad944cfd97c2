"""Invitations in the store, on SQLite and PostgreSQL: the clock starts once, a link is spent
once (even when two submissions race) unless its submission could not be queued, a candidate's
newest scorecard is found, and a delivery that could not be handled is forgotten."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from runner.store.runs import Store, StoreError
from tests.runner import test_store as shared
from tests.runner.test_store import CardFactory, _graded, _race

# The fixtures of the store tests, by name: the same databases, the same PostgreSQL server.
postgres_server, url, store, make_card = (
    shared.postgres_server, shared.url, shared.store, shared.make_card,
)  # fmt: skip

DEADLINE = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def test_a_new_invitation_is_unopened_unused_and_random(store: Store) -> None:
    first = store.create_invitation("kv-store", "alice", DEADLINE)
    second = store.create_invitation("kv-store", "alice", None)
    assert (first.challenge_id, first.alias, first.deadline) == ("kv-store", "alice", DEADLINE)
    assert first.opened_at is None
    assert first.used_at is None
    assert first.created_at.tzinfo is not None
    assert first.id != second.id
    assert first.token_nonce != second.token_nonce
    assert len(first.token_nonce) >= 40
    assert "alice" not in first.id + first.token_nonce
    assert store.invitation(first.id) == first
    assert store.invitation("no-such-id") is None
    assert store.count("invitations") == 2


def test_opening_starts_the_clock_once(store: Store) -> None:
    invitation = store.create_invitation("kv-store", "alice", DEADLINE)
    opened = store.open_invitation(invitation.id)
    assert opened.opened_at is not None
    assert timedelta(0) <= datetime.now(UTC) - opened.opened_at < timedelta(seconds=5)
    time.sleep(0.01)
    again = store.open_invitation(invitation.id)
    assert again.opened_at == opened.opened_at
    assert store.invitation(invitation.id) == again
    with pytest.raises(StoreError, match="invitation nope does not exist"):
        store.open_invitation("nope")


def test_racing_opens_agree_on_one_start(store: Store) -> None:
    invitation = store.create_invitation("kv-store", "alice", DEADLINE)
    results = _race(*[lambda: store.open_invitation(invitation.id)] * 2)
    assert all(not isinstance(result, Exception) for result in results), results
    assert results[0].opened_at == results[1].opened_at is not None


def test_an_invitation_is_used_once(store: Store) -> None:
    invitation = store.create_invitation("kv-store", "alice", DEADLINE)
    assert store.use_invitation(invitation.id)
    used = store.invitation(invitation.id)
    assert used is not None
    assert used.used_at is not None
    assert not store.use_invitation(invitation.id)
    assert store.invitation(invitation.id) == used  # the first use is kept
    assert not store.use_invitation("no-such-id")


def test_a_released_invitation_can_be_used_again(store: Store) -> None:
    invitation = store.create_invitation("kv-store", "alice", DEADLINE)
    assert store.use_invitation(invitation.id)
    store.release_invitation(invitation.id)
    assert store.invitation(invitation.id) == invitation
    assert store.use_invitation(invitation.id)
    store.release_invitation("no-such-id")  # nothing to undo


def test_a_forgotten_delivery_is_new_again(store: Store) -> None:
    assert store.record_delivery("d-1", "push", "https://github.com/alice/kv")
    assert store.record_delivery("d-2", "push", "https://github.com/alice/kv")
    store.forget_delivery("d-1")
    assert store.count("deliveries") == 1
    assert store.record_delivery("d-1", "push", "https://github.com/alice/kv")
    assert not store.record_delivery("d-2", "push", "https://github.com/alice/kv")
    store.forget_delivery("never-seen")


def test_racing_submissions_spend_it_once(store: Store) -> None:
    for _ in range(5):
        invitation = store.create_invitation("kv-store", "alice", DEADLINE)
        results = _race(*[lambda i=invitation.id: store.use_invitation(i)] * 2)
        assert sorted(results) == [False, True], results


def test_latest_scorecard_of_one_alias(store: Store, make_card: CardFactory) -> None:
    assert store.latest_scorecard("kv-store", "alice") is None
    _graded(store, make_card("alice", "a" * 40, failing=3))
    _graded(store, make_card("bob", "b" * 40))
    newest = make_card("alice", "c" * 40, failing=0)
    _graded(store, newest)
    assert store.latest_scorecard("kv-store", "alice") == newest
    assert store.latest_scorecard("other", "alice") is None
    bob = store.latest_scorecard("kv-store", "bob")
    assert bob is not None
    assert bob.submission.id == "bob"


def test_of_two_resubmissions_after_a_rejected_repository_one_wins(store: Store) -> None:
    invitation = store.create_invitation("kv-store", "alice", None)
    assert store.use_invitation(invitation.id)
    left = store.invitation(invitation.id)
    assert left is not None
    assert left.used_at is not None
    results = _race(*[lambda: store.use_invitation(invitation.id, left.used_at)] * 2)
    assert sorted(results) == [False, True]
    assert not store.use_invitation(invitation.id, left.used_at)  # that use is gone now
