"""BM25: exact scores on a hand-computable corpus, ordering, and an oracle on a generated one."""

import math
import random
from collections import Counter

import pytest
from retrieval import BM25Index, Chunk, Hit, chunk_documents, tokenize

pytestmark = pytest.mark.bm25


def make_chunk(chunk_id, text):
    doc_id, _, index = chunk_id.partition("#")
    words = text.split()
    return Chunk(id=chunk_id, doc_id=doc_id, index=int(index), text=text, start=0, end=len(words))


def small_corpus():
    # token counts: c#1 -> 3, c#2 -> 2, c#3 -> 4 ("the" is a stop word); N = 3, avgdl = 3
    return [
        make_chunk("c#1", "Apple banana, the apple"),
        make_chunk("c#2", "banana cherry"),
        make_chunk("c#3", "cherry durian elderberry fig"),
    ]


LN_8_3 = math.log((3 - 1 + 0.5) / (1 + 0.5) + 1)  # df = 1
LN_1_6 = math.log((3 - 2 + 0.5) / (2 + 0.5) + 1)  # df = 2
LN_8 = math.log((3 - 0 + 0.5) / (0 + 0.5) + 1)  # df = 0


def weight(idf, tf, dl, avgdl, k1=1.5, b=0.75):
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def test_len_and_avgdl():
    index = BM25Index(small_corpus())
    assert len(index) == 3
    assert index.avgdl == pytest.approx(3.0)
    two = BM25Index(small_corpus()[:2])
    assert len(two) == 2
    assert two.avgdl == pytest.approx(2.5)


def test_idf_values():
    index = BM25Index(small_corpus())
    assert index.idf("apple") == pytest.approx(math.log(8 / 3), rel=1e-9)
    assert index.idf("banana") == pytest.approx(math.log(1.6), rel=1e-9)
    assert index.idf("cherry") == pytest.approx(LN_1_6, rel=1e-9)
    assert index.idf("missing") == pytest.approx(math.log(8.0), rel=1e-9)
    assert index.idf("missing") == pytest.approx(LN_8, rel=1e-9)


def test_idf_takes_the_term_as_is():
    index = BM25Index(small_corpus())
    assert index.idf("Apple") == pytest.approx(math.log(8.0), rel=1e-9)
    assert index.idf("the") == pytest.approx(math.log(8.0), rel=1e-9)


def test_idf_is_positive_for_a_term_in_every_chunk():
    index = BM25Index([make_chunk("x#0", "same"), make_chunk("x#1", "same same")])
    assert index.idf("same") == pytest.approx(math.log(0.5 / 2.5 + 1), rel=1e-9)
    assert index.idf("same") > 0


def test_single_term_score_with_repeated_term():
    index = BM25Index(small_corpus())
    expected = LN_8_3 * 2 * 2.5 / (2 + 1.5 * (1 - 0.75 + 0.75 * 3 / 3))
    assert index.score("apple", "c#1") == pytest.approx(expected, rel=1e-9)
    assert index.score("apple", "c#1") == pytest.approx(weight(LN_8_3, 2, 3, 3), rel=1e-9)


def test_multi_term_score_sums_terms():
    index = BM25Index(small_corpus())
    expected = weight(LN_1_6, 1, 2, 3) + weight(LN_1_6, 1, 2, 3)
    assert index.score("banana cherry", "c#2") == pytest.approx(expected, rel=1e-9)
    expected_c3 = weight(LN_1_6, 1, 4, 3) + weight(LN_8_3, 1, 4, 3)
    assert index.score("cherry fig", "c#3") == pytest.approx(expected_c3, rel=1e-9)


def test_repeated_query_terms_count_once():
    index = BM25Index(small_corpus())
    assert index.score("apple apple APPLE", "c#1") == pytest.approx(
        index.score("apple", "c#1"), rel=1e-12
    )


def test_score_zero_when_no_term_matches():
    index = BM25Index(small_corpus())
    score = index.score("durian", "c#1")
    assert score == 0.0
    assert isinstance(score, float)
    assert index.score("the of and", "c#2") == 0.0


def test_custom_k1_and_b():
    index = BM25Index(small_corpus(), k1=1.2, b=0.5)
    expected = weight(LN_1_6, 1, 4, 3, k1=1.2, b=0.5)
    assert index.score("cherry", "c#3") == pytest.approx(expected, rel=1e-9)
    expected_apple = weight(LN_8_3, 2, 3, 3, k1=1.2, b=0.5) + weight(LN_1_6, 1, 3, 3, k1=1.2, b=0.5)
    assert index.score("apple banana", "c#1") == pytest.approx(expected_apple, rel=1e-9)


def test_b_zero_ignores_length_and_b_one_fully_normalises():
    flat = BM25Index(small_corpus(), k1=1.5, b=0)
    assert flat.score("cherry", "c#2") == pytest.approx(flat.score("cherry", "c#3"), rel=1e-12)
    assert flat.score("cherry", "c#2") == pytest.approx(LN_1_6 * 2.5 / 2.5, rel=1e-9)
    full = BM25Index(small_corpus(), k1=1.5, b=1)
    assert full.score("cherry", "c#3") == pytest.approx(weight(LN_1_6, 1, 4, 3, b=1), rel=1e-9)
    assert full.score("cherry", "c#2") == pytest.approx(weight(LN_1_6, 1, 2, 3, b=1), rel=1e-9)


def test_k1_zero_gives_idf_per_matching_term():
    index = BM25Index(small_corpus(), k1=0)
    assert index.score("apple", "c#1") == pytest.approx(LN_8_3, rel=1e-9)
    assert index.score("banana apple", "c#1") == pytest.approx(LN_8_3 + LN_1_6, rel=1e-9)


def test_fractional_k1_accepted():
    index = BM25Index(small_corpus(), k1=0.5, b=0.25)
    assert index.score("fig", "c#3") == pytest.approx(
        weight(LN_8_3, 1, 4, 3, k1=0.5, b=0.25), rel=1e-9
    )


def test_search_orders_by_score():
    index = BM25Index(small_corpus())
    hits = index.search("cherry banana", k=10)
    assert [h.chunk.id for h in hits] == ["c#2", "c#1", "c#3"]
    expected = [
        weight(LN_1_6, 1, 2, 3) * 2,
        weight(LN_1_6, 1, 3, 3),
        weight(LN_1_6, 1, 4, 3),
    ]
    assert [h.score for h in hits] == pytest.approx(expected, rel=1e-9)
    assert all(isinstance(h, Hit) for h in hits)


def test_search_returns_the_indexed_chunk_objects():
    chunks = small_corpus()
    hits = BM25Index(chunks).search("fig", k=1)
    assert hits == [Hit(chunk=chunks[2], score=pytest.approx(weight(LN_8_3, 1, 4, 3)))]
    assert hits[0].chunk is chunks[2]


def test_search_cuts_at_k():
    index = BM25Index(small_corpus())
    assert [h.chunk.id for h in index.search("cherry banana", k=1)] == ["c#2"]
    assert [h.chunk.id for h in index.search("cherry banana", k=2)] == ["c#2", "c#1"]
    assert len(index.search("cherry banana", k=3)) == 3
    assert len(index.search("cherry banana")) == 3


def test_search_default_k_is_ten():
    chunks = [make_chunk(f"d#{i}", "word " * (i + 1)) for i in range(12)]
    hits = BM25Index(chunks).search("word")
    assert len(hits) == 10
    assert BM25Index(chunks).search("word", k=11)[:10] == hits


def test_search_only_returns_matching_chunks():
    index = BM25Index(small_corpus())
    assert [h.chunk.id for h in index.search("apple", k=10)] == ["c#1"]
    assert index.search("nothing here", k=10) == []
    assert index.search("the and of", k=10) == []


def test_ties_break_by_chunk_id_as_strings():
    chunks = [make_chunk(f"d#{i}", "same words here") for i in (2, 10, 1, 3)]
    hits = BM25Index(chunks).search("words", k=10)
    assert [h.chunk.id for h in hits] == ["d#1", "d#10", "d#2", "d#3"]
    assert len({h.score for h in hits}) == 1


def test_shorter_chunk_wins_on_equal_tf():
    index = BM25Index([make_chunk("a#0", "key pad pad pad"), make_chunk("b#0", "key pad")])
    assert [h.chunk.id for h in index.search("key", k=2)] == ["b#0", "a#0"]


def test_higher_tf_wins_on_equal_length():
    index = BM25Index([make_chunk("a#0", "key pad pad"), make_chunk("b#0", "key key pad")])
    assert [h.chunk.id for h in index.search("key", k=2)] == ["b#0", "a#0"]


def test_spec_example():
    docs = {
        "cats": "Cats sleep a lot. A cat is a small carnivore.",
        "dogs": "Dogs bark. A dog is a loyal companion and a carnivore too.",
    }
    index = BM25Index(chunk_documents(docs, size=6, overlap=2))
    hits = index.search("loyal dog", k=3)
    assert [(h.chunk.id, round(h.score, 4)) for h in hits] == [("dogs#1", 1.5908), ("dogs#0", 1.3431)]


# ---------------------------------------------------------------- generated corpus + oracle


def generated_chunks(seed=11, docs=120):
    rng = random.Random(seed)
    vocabulary = [f"term{i}" for i in range(150)] + ["the", "of", "and"]
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    corpus = {}
    for d in range(docs):
        n = rng.randint(5, 90)
        corpus[f"doc{d}"] = " ".join(rng.choices(vocabulary, weights, k=n))
    return chunk_documents(corpus, size=20, overlap=5), rng, vocabulary


def oracle_scores(chunks, query, k1=1.5, b=0.75):
    counts = [Counter(tokenize(c.text)) for c in chunks]
    lengths = [sum(c.values()) for c in counts]
    n = len(chunks)
    avgdl = sum(lengths) / n
    scores = {}
    for term in dict.fromkeys(tokenize(query)):
        df = sum(1 for c in counts if term in c)
        idf = math.log((n - df + 0.5) / (df + 0.5) + 1)
        for piece, c, dl in zip(chunks, counts, lengths, strict=True):
            if c[term]:
                scores[piece.id] = scores.get(piece.id, 0.0) + weight(idf, c[term], dl, avgdl, k1, b)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def test_generated_corpus_matches_oracle():
    chunks, rng, vocabulary = generated_chunks()
    index = BM25Index(chunks)
    assert index.avgdl == pytest.approx(
        sum(len(tokenize(c.text)) for c in chunks) / len(chunks), rel=1e-12
    )
    for _ in range(40):
        query = " ".join(rng.sample(vocabulary, rng.randint(1, 4)))
        k = rng.randint(1, 15)
        expected = oracle_scores(chunks, query)[:k]
        hits = index.search(query, k=k)
        assert [h.chunk.id for h in hits] == [cid for cid, _ in expected]
        assert [h.score for h in hits] == pytest.approx([s for _, s in expected], rel=1e-9)


def test_generated_corpus_custom_parameters_match_oracle():
    chunks, rng, vocabulary = generated_chunks(seed=5, docs=60)
    index = BM25Index(chunks, k1=0.9, b=0.4)
    for _ in range(20):
        query = " ".join(rng.sample(vocabulary, 3))
        expected = oracle_scores(chunks, query, k1=0.9, b=0.4)[:8]
        hits = index.search(query, k=8)
        assert [h.chunk.id for h in hits] == [cid for cid, _ in expected]
        assert [h.score for h in hits] == pytest.approx([s for _, s in expected], rel=1e-9)


def test_search_properties_on_generated_corpus():
    chunks, rng, vocabulary = generated_chunks(seed=3, docs=80)
    index = BM25Index(chunks)
    for _ in range(30):
        query = " ".join(rng.sample(vocabulary, 2))
        hits = index.search(query, k=len(chunks))
        terms = set(tokenize(query))
        matching = {c.id for c in chunks if terms & set(tokenize(c.text))}
        assert {h.chunk.id for h in hits} == matching
        keys = [(-h.score, h.chunk.id) for h in hits]
        assert keys == sorted(keys)
        assert all(h.score > 0 for h in hits)
        for hit in hits[:5]:
            assert index.score(query, hit.chunk.id) == pytest.approx(hit.score, rel=1e-12)
        assert index.search(query, k=3) == hits[:3]


def test_search_on_thousands_of_chunks():
    # No timing assertion (machines differ): an index that rescans every chunk for every
    # term of every chunk runs into the per-test timeout here, an inverted index takes well
    # under a second.
    rng = random.Random(99)
    vocabulary = [f"v{i}" for i in range(1000)]
    docs = {f"d{i}": " ".join(rng.choices(vocabulary, k=60)) for i in range(2000)}
    chunks = chunk_documents(docs, size=60, overlap=0)
    index = BM25Index(chunks)
    assert len(index) == 2000
    for _ in range(50):
        query = " ".join(rng.sample(vocabulary, 10))
        hits = index.search(query, k=10)
        assert len(hits) == 10
        keys = [(-h.score, h.chunk.id) for h in hits]
        assert keys == sorted(keys)
