"""The store's index fed from real grades (their stored sources) and from exported trees, and
a cohort ranked from it by lookups: the disguised copy of the reference pairs with the
reference, named by neutral store ids only."""

from __future__ import annotations

from pathlib import Path

from challenges.load import Challenge
from reports.scorecard import Scorecard
from reports.source import SourceFile, SourceSnapshot
from runner.similarity_index import StoreLookup, index_tree, neutral_id, stored_cohort
from runner.store.runs import Store, idempotency_key
from tests.graders.similarity import variants
from tests.runner import test_store as shared
from tests.runner.test_store import IMAGE, SUITE, CardFactory

postgres_server, url, store, make_card = (
    shared.postgres_server, shared.url, shared.store, shared.make_card,
)  # fmt: skip
KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"


def _source(text: str, commit: str) -> str:
    snapshot = SourceSnapshot(
        schema_version=1, commit=commit, omitted=[], diffs=[],
        files=[SourceFile(path="kvstore.py", text=text, change="modified")],
    )  # fmt: skip
    return snapshot.model_dump_json()


def _graded(store: Store, card: Scorecard, text: str) -> int:
    """Grade ``card`` into the store with ``text`` as its source; the submission's id."""
    alias, commit = card.submission.id, card.provenance.commit
    sub = store.submission_for("kv-store", alias, card.submission.source, None)
    key = idempotency_key(alias, card.submission.source, commit, SUITE, IMAGE)
    run_id, claimed = store.start_run(sub, key, commit, SUITE, IMAGE)
    assert claimed
    store.finish_run(run_id, card, _source(text, commit))
    return sub


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_a_cohort_from_stored_sources_ranks_the_copy_first(
    store: Store, make_card: CardFactory, kv_store: Challenge
) -> None:
    reference = _text(KV / "solution" / "kvstore.py")
    texts = {"alice": reference, "bob": variants.everything(reference),
             "carol": _text(KV / "samples" / "buggy" / "kvstore.py"),
             "dave": _text(KV / "samples" / "partial" / "kvstore.py")}  # fmt: skip
    ids = {name: _graded(store, make_card(name, commit=f"{n}" * 40), text)
           for n, (name, text) in enumerate(texts.items(), start=1)}  # fmt: skip
    cohort = stored_cohort(store, kv_store)
    assert (cohort.indexed, cohort.newly_indexed) == (4, 4)
    first = cohort.pairs[0]
    assert {first.a, first.b} == {neutral_id(ids["alice"]), neutral_id(ids["bob"])}
    assert first.similarity >= 0.8
    assert all(p.similarity < first.similarity for p in cohort.pairs[1:])
    shown = " ".join(f"{p.a} {p.b}" for p in cohort.pairs)
    assert not any(name in shown for name in texts)
    again = stored_cohort(store, kv_store)
    assert (again.indexed, again.newly_indexed, again.pairs) == (4, 0, cohort.pairs)


def test_a_new_commit_is_indexed_again(
    store: Store, make_card: CardFactory, kv_store: Challenge
) -> None:
    partial = _text(KV / "samples" / "partial" / "kvstore.py")
    sub = _graded(store, make_card("alice", commit="a" * 40), partial)
    assert stored_cohort(store, kv_store).newly_indexed == 1
    _graded(store, make_card("alice", commit="b" * 40), _text(KV / "solution" / "kvstore.py"))
    assert stored_cohort(store, kv_store).newly_indexed == 1
    assert store.indexed("kv-store")[sub].endswith(":" + "b" * 40)


def test_a_tree_is_indexed_once_and_found_by_lookup(
    store: Store, kv_store: Challenge, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "kvstore.py").write_text(variants.everything(_text(KV / "solution" / "kvstore.py")))
    earlier = store.submission_for("kv-store", "alice", str(KV / "solution"), None)
    later = store.submission_for("kv-store", "bob", str(copy), None)
    assert index_tree(store, kv_store, earlier, KV / "solution", "c1")
    assert not index_tree(store, kv_store, earlier, KV / "solution", "c1")
    assert index_tree(store, kv_store, later, copy, "c2")
    lookup = StoreLookup(store, "kv-store", exclude={later})
    hashes = store.fingerprint_set(later)
    assert hashes
    [(name, value)] = lookup.nearest(hashes, 3)
    assert name == neutral_id(earlier)
    assert value >= 0.8
