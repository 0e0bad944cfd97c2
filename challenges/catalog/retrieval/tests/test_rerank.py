"""Re-ranking: phrase and coverage bonuses, ordering, no mutation of the input."""

import random

import pytest
from retrieval import BM25Index, Chunk, Hit, chunk_documents, rerank, tokenize

pytestmark = pytest.mark.rerank


def make_chunk(chunk_id, text):
    doc_id, _, index = chunk_id.partition("#")
    return Chunk(id=chunk_id, doc_id=doc_id, index=int(index), text=text, start=0, end=len(text.split()))


def hit(chunk_id, text, score):
    return Hit(chunk=make_chunk(chunk_id, text), score=score)


def scored(hits):
    return [(h.chunk.id, h.score) for h in hits]


def test_phrase_and_full_coverage():
    hits = [hit("a#0", "the new york times", 1.25)]
    assert scored(rerank("new york", hits)) == [("a#0", pytest.approx(1.25 + 2.0 + 1.0))]


def test_coverage_without_phrase():
    hits = [hit("a#0", "york is new", 0.5)]
    assert scored(rerank("new york", hits)) == [("a#0", pytest.approx(0.5 + 1.0))]


def test_partial_coverage_is_a_fraction_of_distinct_terms():
    hits = [hit("a#0", "alpha alpha", 1.0), hit("b#0", "alpha beta", 1.0), hit("c#0", "zzz", 1.0)]
    result = dict(scored(rerank("alpha beta gamma alpha", hits)))
    assert result["a#0"] == pytest.approx(1.0 + 1 / 3)
    assert result["b#0"] == pytest.approx(1.0 + 2 / 3)
    assert result["c#0"] == pytest.approx(1.0)


def test_phrase_needs_contiguous_tokens_in_order():
    hits = [
        hit("a#0", "new big york", 3.0),
        hit("b#0", "york new", 3.0),
        hit("c#0", "in new york", 3.0),
    ]
    result = dict(scored(rerank("new york", hits)))
    assert result == {"a#0": pytest.approx(4.0), "b#0": pytest.approx(4.0), "c#0": pytest.approx(6.0)}


def test_phrase_matching_ignores_stop_words_on_both_sides():
    hits = [hit("a#0", "the state-of-the-art parser", 1.0), hit("b#0", "state or art", 1.0)]
    result = dict(scored(rerank("state of the art", hits)))
    assert result["a#0"] == pytest.approx(4.0)
    assert result["b#0"] == pytest.approx(2.0)


def test_phrase_at_start_and_end_of_chunk():
    hits = [hit("s#0", "deep learning models", 0.0), hit("e#0", "models of deep learning", 0.0)]
    result = dict(scored(rerank("Deep Learning", hits)))
    assert result == {"s#0": pytest.approx(3.0), "e#0": pytest.approx(3.0)}


def test_phrase_equal_to_whole_chunk_and_longer_than_chunk():
    hits = [hit("w#0", "red fox", 0.0), hit("x#0", "red", 0.0)]
    result = dict(scored(rerank("red fox", hits)))
    assert result["w#0"] == pytest.approx(3.0)
    assert result["x#0"] == pytest.approx(0.5)


def test_repeated_query_tokens_form_the_phrase():
    hits = [hit("a#0", "go go team", 0.0), hit("b#0", "go team", 0.0)]
    result = dict(scored(rerank("go go", hits)))
    assert result["a#0"] == pytest.approx(3.0)
    assert result["b#0"] == pytest.approx(1.0)


def test_single_token_query_gets_no_phrase_bonus():
    hits = [hit("a#0", "python", 2.0)]
    assert scored(rerank("python", hits)) == [("a#0", pytest.approx(3.0))]
    assert scored(rerank("the python", hits)) == [("a#0", pytest.approx(3.0))]


def test_custom_bonuses():
    hits = [hit("a#0", "new york pizza", 1.0), hit("b#0", "pizza in york", 1.5)]
    result = dict(scored(rerank("new york", hits, phrase_bonus=0.5, coverage_bonus=4.0)))
    assert result["a#0"] == pytest.approx(1.0 + 0.5 + 4.0)
    assert result["b#0"] == pytest.approx(1.5 + 2.0)
    zero = dict(scored(rerank("new york", hits, phrase_bonus=0, coverage_bonus=0)))
    assert zero == {"a#0": pytest.approx(1.0), "b#0": pytest.approx(1.5)}


def test_phrase_bonus_reorders():
    hits = [hit("a#0", "york york new new", 2.0), hit("b#0", "new york", 1.5)]
    assert [h.chunk.id for h in rerank("new york", hits)] == ["b#0", "a#0"]
    assert [h.chunk.id for h in rerank("new york", hits, phrase_bonus=0.25)] == ["a#0", "b#0"]


def test_sorted_descending_with_ties_by_chunk_id():
    hits = [hit("d#2", "x", 1.0), hit("d#10", "x", 1.0), hit("d#1", "y", 5.0), hit("d#3", "x", 0.5)]
    result = rerank("x", hits)
    assert [h.chunk.id for h in result] == ["d#1", "d#10", "d#2", "d#3"]
    assert [h.score for h in result] == pytest.approx([5.0, 2.0, 2.0, 1.5])


def test_query_without_tokens_only_resorts():
    hits = [hit("b#0", "words", 1.0), hit("a#0", "more words", 1.0), hit("c#0", "x", 3.0)]
    result = rerank("the of and", hits)
    assert scored(result) == [("c#0", 3.0), ("a#0", 1.0), ("b#0", 1.0)]


def test_returns_new_hits_and_leaves_input_alone():
    hits = [hit("a#0", "alpha", 1.0), hit("b#0", "beta", 2.0)]
    snapshot = list(hits)
    result = rerank("alpha", hits)
    assert hits == snapshot
    assert isinstance(result, list)
    assert result is not hits
    assert all(isinstance(h, Hit) for h in result)
    assert result[0].chunk is hits[0].chunk
    assert scored(result) == [("a#0", pytest.approx(2.0)), ("b#0", pytest.approx(2.0))]
    assert rerank("alpha", []) == []


def test_accepts_any_sequence_of_hits():
    hits = (hit("a#0", "alpha", 1.0), hit("b#0", "beta", 2.0))
    assert [h.chunk.id for h in rerank("alpha beta", hits)] == ["b#0", "a#0"]


def test_spec_example():
    docs = {
        "cats": "Cats sleep a lot. A cat is a small carnivore.",
        "dogs": "Dogs bark. A dog is a loyal companion and a carnivore too.",
    }
    index = BM25Index(chunk_documents(docs, size=6, overlap=2))
    result = rerank("small carnivore", index.search("small carnivore"))
    assert [(h.chunk.id, round(h.score, 4)) for h in result] == [
        ("cats#1", 5.1913),
        ("dogs#2", 1.5046),
    ]


def test_generated_hits_bonus_matches_the_rule():
    rng = random.Random(21)
    words = ["alpha", "beta", "gamma", "delta", "the", "of"]
    for trial in range(50):
        hits = [
            hit(f"g#{trial}{i}", " ".join(rng.choices(words, k=rng.randint(1, 8))), rng.random())
            for i in range(6)
        ]
        query = " ".join(rng.choices(words, k=rng.randint(1, 3)))
        q = tokenize(query)
        result = {h.chunk.id: h.score for h in rerank(query, hits)}
        assert len(result) == len(hits)
        for h in hits:
            c = tokenize(h.chunk.text)
            coverage = len(set(q) & set(c)) / len(set(q)) if q else 0.0
            phrase = len(q) >= 2 and any(c[i : i + len(q)] == q for i in range(len(c)))
            expected = h.score + (2.0 if phrase else 0.0) + coverage
            assert result[h.chunk.id] == pytest.approx(expected, rel=1e-12)
