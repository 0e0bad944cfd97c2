"""Evaluation: recall@k and MRR, exact values, 1-based ranks, the re-ranking stage."""

import random

import pytest
from retrieval import BM25Index, Chunk, Query, chunk_documents, evaluate, rerank

pytestmark = pytest.mark.evaluation


def make_chunk(chunk_id, text):
    doc_id, _, index = chunk_id.partition("#")
    return Chunk(id=chunk_id, doc_id=doc_id, index=int(index), text=text, start=0, end=len(text.split()))


def ladder_index():
    # "key" occurs 4, 3, 2, 1 times in chunks of equal length: search("key") ranks r#1..r#4.
    return BM25Index(
        [
            make_chunk("r#1", "key key key key"),
            make_chunk("r#2", "key key key pad"),
            make_chunk("r#3", "key key pad pad"),
            make_chunk("r#4", "key pad pad pad"),
            make_chunk("r#5", "pad pad pad pad"),
        ]
    )


def q(text, *relevant):
    return Query(text=text, relevant=frozenset(relevant))


def test_ladder_ranking_is_as_designed():
    hits = ladder_index().search("key", k=5)
    assert [h.chunk.id for h in hits] == ["r#1", "r#2", "r#3", "r#4"]


def test_perfect_first_hit():
    result = evaluate(ladder_index(), [q("key", "r#1")], k=3)
    assert result == {"recall@3": 1.0, "mrr": 1.0}


def test_reciprocal_rank_is_one_based():
    index = ladder_index()
    assert evaluate(index, [q("key", "r#2")], k=4)["mrr"] == pytest.approx(1 / 2)
    assert evaluate(index, [q("key", "r#3")], k=4)["mrr"] == pytest.approx(1 / 3)
    assert evaluate(index, [q("key", "r#4")], k=4)["mrr"] == pytest.approx(1 / 4)


def test_first_relevant_hit_counts_for_mrr():
    result = evaluate(ladder_index(), [q("key", "r#4", "r#2", "r#3")], k=4)
    assert result["mrr"] == pytest.approx(0.5)
    assert result["recall@4"] == pytest.approx(1.0)


def test_recall_is_a_fraction_of_the_relevant_set():
    index = ladder_index()
    result = evaluate(index, [q("key", "r#1", "r#3", "r#5")], k=2)
    assert result == {"recall@2": pytest.approx(1 / 3), "mrr": pytest.approx(1.0)}
    assert evaluate(index, [q("key", "r#1", "r#3", "r#5")], k=3)["recall@3"] == pytest.approx(2 / 3)


def test_relevant_beyond_k_counts_as_missed():
    result = evaluate(ladder_index(), [q("key", "r#3")], k=2)
    assert result == {"recall@2": 0.0, "mrr": 0.0}


def test_relevant_id_not_in_index_counts_as_missed():
    result = evaluate(ladder_index(), [q("key", "r#1", "nowhere#0")], k=5)
    assert result == {"recall@5": pytest.approx(0.5), "mrr": pytest.approx(1.0)}


def test_query_with_no_hits_scores_zero():
    result = evaluate(ladder_index(), [q("absent words", "r#1")], k=5)
    assert result == {"recall@5": 0.0, "mrr": 0.0}


def test_mean_over_queries_weighs_each_query_equally():
    index = ladder_index()
    queries = [q("key", "r#1"), q("key", "r#2", "r#5"), q("key", "r#4"), q("pad", "r#5", "r#1")]
    result = evaluate(index, queries, k=2)
    # "pad": r#5 (tf 4) first, then r#4 (tf 3).
    assert result["recall@2"] == pytest.approx((1 + 1 / 2 + 0 + 1 / 2) / 4)
    assert result["mrr"] == pytest.approx((1 + 1 / 2 + 0 + 1) / 4)


def test_returns_exactly_two_float_keys_named_after_k():
    result = evaluate(ladder_index(), [q("key", "r#1")], k=7)
    assert set(result) == {"recall@7", "mrr"}
    assert all(isinstance(value, float) for value in result.values())
    assert isinstance(result, dict)


def test_rerank_depth_lets_reranking_promote_a_chunk():
    index = BM25Index([make_chunk("a#0", "york york new new"), make_chunk("b#0", "new york")])
    assert [h.chunk.id for h in index.search("new york", k=2)] == ["a#0", "b#0"]
    queries = [q("new york", "b#0")]
    assert evaluate(index, queries, k=1) == {"recall@1": 0.0, "mrr": 0.0}
    assert evaluate(index, queries, k=1, rerank_depth=2) == {"recall@1": 1.0, "mrr": 1.0}
    assert evaluate(index, queries, k=1, rerank_depth=1) == {"recall@1": 0.0, "mrr": 0.0}
    assert evaluate(index, queries, k=2, rerank_depth=5) == {"recall@2": 1.0, "mrr": 1.0}
    assert evaluate(index, queries, k=2) == {"recall@2": 1.0, "mrr": 0.5}


def test_rerank_depth_result_is_cut_at_k():
    index = ladder_index()
    result = evaluate(index, [q("key", "r#3")], k=2, rerank_depth=4)
    assert result == {"recall@2": 0.0, "mrr": 0.0}
    assert evaluate(index, [q("key", "r#3")], k=3, rerank_depth=4)["mrr"] == pytest.approx(1 / 3)


def test_accepts_any_sequence_of_queries():
    result = evaluate(ladder_index(), (q("key", "r#2"), q("key", "r#1")), k=1)
    assert result == {"recall@1": pytest.approx(0.5), "mrr": pytest.approx(0.5)}


def test_spec_example():
    docs = {
        "cats": "Cats sleep a lot. A cat is a small carnivore.",
        "dogs": "Dogs bark. A dog is a loyal companion and a carnivore too.",
    }
    index = BM25Index(chunk_documents(docs, size=6, overlap=2))
    assert evaluate(index, [q("loyal dog", "dogs#1")], k=3) == {"recall@3": 1.0, "mrr": 1.0}
    assert evaluate(index, [q("loyal dog", "dogs#0")], k=3) == {"recall@3": 1.0, "mrr": 0.5}


def test_generated_queries_match_an_oracle():
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(40)]
    docs = {f"d{i}": " ".join(rng.choices(vocabulary, k=rng.randint(10, 40))) for i in range(30)}
    chunks = chunk_documents(docs, size=8, overlap=3)
    ids = [c.id for c in chunks]
    index = BM25Index(chunks)
    queries = [
        q(" ".join(rng.sample(vocabulary, 3)), *rng.sample(ids, rng.randint(1, 4))) for _ in range(25)
    ]
    for k, depth in [(1, None), (3, None), (5, 10), (10, 10)]:
        recalls, ranks = [], []
        for query in queries:
            hits = index.search(query.text, depth or k)
            if depth:
                hits = rerank(query.text, hits)[:k]
            ranked = [h.chunk.id for h in hits]
            recalls.append(len(query.relevant & set(ranked)) / len(query.relevant))
            first = [i for i, cid in enumerate(ranked, start=1) if cid in query.relevant]
            ranks.append(1 / first[0] if first else 0.0)
        result = evaluate(index, queries, k, rerank_depth=depth)
        assert result == {
            f"recall@{k}": pytest.approx(sum(recalls) / len(queries), rel=1e-12),
            "mrr": pytest.approx(sum(ranks) / len(queries), rel=1e-12),
        }
