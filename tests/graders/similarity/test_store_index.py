"""The similarity index in the store, on SQLite and PostgreSQL: a submission is indexed once
per key (a new key replaces its rows), lookups find the submissions sharing fingerprints,
exactly scored, never the query's own, never another challenge's, with the cohort's common
fingerprints dropped."""

from __future__ import annotations

import random

import pytest

from runner.store import fingerprints
from runner.store.fingerprints import CHUNK, IndexedSet, pack, salt, unpack
from runner.store.runs import Store
from tests.runner import test_store as shared

# The fixtures of the store tests, by name: the same databases, the same PostgreSQL server.
postgres_server, url, store = shared.postgres_server, shared.url, shared.store


def _submission(store: Store, alias: str, challenge: str = "kv-store") -> int:
    return store.submission_for(challenge, alias, f"/repos/{alias}", None)


def _hashes(seed: int, count: int = 200) -> frozenset[int]:
    rng = random.Random(seed)
    return frozenset(rng.randrange(1 << 61) for _ in range(count))


def test_a_submission_is_indexed_once_per_key(store: Store) -> None:
    sid = _submission(store, "alice")
    first = _hashes(1)
    assert store.index_fingerprints(sid, "kv-store", "commit-a", first)
    assert not store.index_fingerprints(sid, "kv-store", "commit-a", first)
    assert store.count("fingerprints") == len(first)
    assert store.count("fingerprint_sets") == 1
    assert store.fingerprint_set(sid) == first
    assert store.indexed("kv-store") == {sid: "commit-a"}


def test_a_new_key_replaces_the_rows(store: Store) -> None:
    sid, other = _submission(store, "alice"), _submission(store, "bob")
    store.index_fingerprints(sid, "kv-store", "commit-a", _hashes(1))
    store.index_fingerprints(other, "kv-store", "commit-b", _hashes(1))
    second = _hashes(2, 150)
    assert store.index_fingerprints(sid, "kv-store", "commit-c", second)
    assert store.count("fingerprints") == len(second) + 200
    assert store.fingerprint_set(sid) == second
    assert store.indexed("kv-store") == {sid: "commit-c", other: "commit-b"}
    found = store.nearest("kv-store", _hashes(1), 5)
    assert [(m.submission_id, m.shared) for m in found] == [(other, 200)]


def test_lookups_rank_by_exact_similarity_excluding_the_query(store: Store) -> None:
    base = sorted(_hashes(10, 400))
    ids = [_submission(store, name) for name in ("a", "b", "c", "d")]
    sets = [base, base[:300] + sorted(_hashes(11, 100)), base[:100] + sorted(_hashes(12, 300)),
            sorted(_hashes(13, 400))]  # fmt: skip
    pairs = zip(ids, sets, strict=True)
    written = store.index_many("kv-store", [IndexedSet(i, "k", s) for i, s in pairs])
    assert written == 4
    found = store.nearest("kv-store", frozenset(base), 5, exclude={ids[0]})
    assert [(m.submission_id, m.shared, m.similarity) for m in found] == [
        (ids[1], 300, 0.75), (ids[2], 100, 0.25),
    ]  # fmt: skip
    assert found[0].size == 400
    assert store.nearest("kv-store", frozenset(base), 1)[0].submission_id == ids[0]


def test_challenges_never_meet(store: Store) -> None:
    mine, theirs = _submission(store, "alice"), _submission(store, "bob", "other-challenge")
    store.index_fingerprints(theirs, "other-challenge", "k", _hashes(1))
    assert store.nearest("kv-store", _hashes(1), 3) == []
    store.index_fingerprints(mine, "kv-store", "k", _hashes(1))
    assert [m.submission_id for m in store.nearest("kv-store", _hashes(1), 3)] == [mine]
    assert salt("kv-store") != salt("other-challenge")


def test_fingerprints_most_of_the_cohort_holds_are_dropped(store: Store) -> None:
    boilerplate = sorted(_hashes(99, 50))
    ids = [_submission(store, f"s{n}") for n in range(10)]
    sets = [IndexedSet(sid, "k", boilerplate + sorted(_hashes(n, 50))) for n, sid in enumerate(ids)]
    store.index_many("kv-store", sets)
    query = frozenset(boilerplate) | _hashes(3, 50)
    found = store.nearest("kv-store", query, 3)
    assert [(m.submission_id, m.shared, m.similarity) for m in found] == [(ids[3], 50, 1.0)]


def test_a_query_longer_than_one_chunk(store: Store) -> None:
    big = _hashes(5, CHUNK * 2 + 7)
    sid = _submission(store, "alice")
    store.index_fingerprints(sid, "kv-store", "k", big)
    found = store.nearest("kv-store", big, 1)
    assert [(m.submission_id, m.shared, m.similarity) for m in found] == [(sid, len(big), 1.0)]


def test_packed_sets_round_trip() -> None:
    values = _hashes(7) | {0, (1 << 61) - 1}
    assert unpack(pack(values)) == values
    assert len(pack(values)) == 8 * len(values)


def test_fingerprints_many_hold_are_dropped_whatever_the_share(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fingerprints, "COMMON_POSTINGS", 3)
    popular = sorted(_hashes(98, 40))
    ids = [_submission(store, f"s{n}") for n in range(10)]
    sets = [
        IndexedSet(sid, "k", (popular if n < 4 else []) + sorted(_hashes(n, 60)))
        for n, sid in enumerate(ids)
    ]
    store.index_many("kv-store", sets)
    found = store.nearest("kv-store", frozenset(popular) | _hashes(2, 60), 3)
    assert [(m.submission_id, m.shared, m.similarity) for m in found] == [(ids[2], 60, 1.0)]
