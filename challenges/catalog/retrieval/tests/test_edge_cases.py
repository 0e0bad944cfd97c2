"""Edge cases: argument validation (error types and boundaries) and awkward inputs."""

import math

import pytest
from retrieval import (
    BM25Index,
    Chunk,
    Hit,
    Query,
    chunk,
    chunk_documents,
    evaluate,
    rerank,
    tokenize,
)

pytestmark = pytest.mark.edge


def make_chunk(chunk_id, text):
    doc_id, _, index = chunk_id.partition("#")
    return Chunk(id=chunk_id, doc_id=doc_id, index=int(index), text=text, start=0, end=len(text.split()))


def small_index():
    return BM25Index([make_chunk("a#0", "alpha beta"), make_chunk("b#0", "beta gamma")])


@pytest.mark.parametrize("text", [None, 3, b"bytes", ["a"]])
def test_tokenize_rejects_non_str(text):
    with pytest.raises(TypeError):
        tokenize(text)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((None, 3, 1), TypeError),
        (("a b", 3.0, 1), TypeError),
        (("a b", 3, 1.0), TypeError),
        (("a b", True, 0), TypeError),
        (("a b", 3, False), TypeError),
        (("a b", "3", 1), TypeError),
        (("a b", 0, 0), ValueError),
        (("a b", -2, 0), ValueError),
        (("a b", 3, -1), ValueError),
        (("a b", 3, 3), ValueError),
        (("a b", 3, 4), ValueError),
        (("a b", 1, 1), ValueError),
    ],
)
def test_chunk_argument_errors(args, error):
    with pytest.raises(error):
        chunk(*args)


def test_chunk_rejects_non_str_doc_id():
    with pytest.raises(TypeError):
        chunk("a b", 2, 0, doc_id=7)
    with pytest.raises(TypeError):
        chunk("", 2, 0, doc_id=None)


def test_chunk_errors_even_for_empty_text():
    with pytest.raises(ValueError):
        chunk("", 2, 2)
    with pytest.raises(TypeError):
        chunk("", 2.5, 0)


def test_chunk_boundary_arguments_accepted():
    assert len(chunk("a b c", 1, 0)) == 3
    assert len(chunk("a b c", 2, 1)) == 2
    assert len(chunk("a b c", 100, 99)) == 1


def test_chunk_documents_argument_errors():
    with pytest.raises(TypeError):
        chunk_documents({1: "text"}, 2, 0)
    with pytest.raises(TypeError):
        chunk_documents({"ok": "a b", "bad": None}, 2, 0)
    with pytest.raises(ValueError):
        chunk_documents({}, 2, 2)
    with pytest.raises(ValueError):
        chunk_documents({}, 0, 0)
    with pytest.raises(TypeError):
        chunk_documents({}, 2, True)


def test_chunk_documents_does_not_modify_the_mapping():
    docs = {"b": "x y z", "a": "p q"}
    chunk_documents(docs, 2, 1)
    assert docs == {"b": "x y z", "a": "p q"}
    assert list(docs) == ["b", "a"]


@pytest.mark.parametrize(
    ("k1", "b", "error"),
    [
        ("1.5", 0.75, TypeError),
        (True, 0.75, TypeError),
        (1.5, None, TypeError),
        (1.5, False, TypeError),
        (-0.1, 0.75, ValueError),
        (math.inf, 0.75, ValueError),
        (math.nan, 0.75, ValueError),
        (1.5, -0.01, ValueError),
        (1.5, 1.01, ValueError),
        (1.5, math.nan, ValueError),
    ],
)
def test_index_parameter_errors(k1, b, error):
    with pytest.raises(error):
        BM25Index([make_chunk("a#0", "alpha")], k1=k1, b=b)


def test_index_parameter_boundaries_accepted():
    for k1, b in [(0, 0), (0.0, 1.0), (3, 1), (0.5, 0.0)]:
        assert len(BM25Index([make_chunk("a#0", "alpha")], k1=k1, b=b)) == 1


def test_index_rejects_non_chunks_and_duplicate_ids():
    with pytest.raises(TypeError):
        BM25Index([make_chunk("a#0", "alpha"), ("b#0", "beta")])
    with pytest.raises(TypeError):
        BM25Index(["alpha beta"])
    with pytest.raises(ValueError):
        BM25Index([make_chunk("a#0", "alpha"), make_chunk("a#0", "beta")])


def test_index_accepts_any_iterable_once():
    chunks = [make_chunk("a#0", "alpha"), make_chunk("b#0", "beta")]
    index = BM25Index(c for c in chunks)
    assert len(index) == 2
    assert [h.chunk.id for h in index.search("beta", k=5)] == ["b#0"]


def test_empty_index():
    index = BM25Index([])
    assert len(index) == 0
    assert index.avgdl == 0.0
    assert index.search("anything", k=3) == []
    assert index.idf("anything") == pytest.approx(math.log(0.5 / 0.5 + 1), rel=1e-9)


def test_index_of_chunks_without_tokens():
    index = BM25Index([make_chunk("a#0", "the of and"), make_chunk("b#0", "!!! ???")])
    assert len(index) == 2
    assert index.avgdl == 0.0
    assert index.search("the", k=2) == []
    assert index.search("alpha", k=2) == []
    assert index.score("alpha", "a#0") == 0.0


def test_chunk_without_tokens_among_others():
    index = BM25Index([make_chunk("a#0", "the of"), make_chunk("b#0", "beta beta")])
    assert index.avgdl == pytest.approx(1.0)
    assert [h.chunk.id for h in index.search("beta", k=5)] == ["b#0"]
    assert index.score("beta", "a#0") == 0.0


def test_search_argument_errors():
    index = small_index()
    with pytest.raises(TypeError):
        index.search(None, 3)
    with pytest.raises(TypeError):
        index.search(["alpha"], 3)
    with pytest.raises(TypeError):
        index.search("alpha", 2.0)
    with pytest.raises(TypeError):
        index.search("alpha", True)
    with pytest.raises(ValueError):
        index.search("alpha", 0)
    with pytest.raises(ValueError):
        index.search("alpha", -1)
    assert len(index.search("alpha beta", 1)) == 1


def test_query_without_tokens_gives_no_hits():
    index = small_index()
    assert index.search("", 3) == []
    assert index.search("the, of; and!", 3) == []
    assert index.score("", "a#0") == 0.0


def test_score_and_idf_argument_errors():
    index = small_index()
    with pytest.raises(KeyError):
        index.score("alpha", "missing#0")
    with pytest.raises(TypeError):
        index.score(42, "a#0")
    with pytest.raises(TypeError):
        index.idf(42)
    with pytest.raises(TypeError):
        index.idf(None)


def test_rerank_argument_errors():
    good = [Hit(chunk=make_chunk("a#0", "alpha"), score=1.0)]
    with pytest.raises(TypeError):
        rerank(None, good)
    with pytest.raises(TypeError):
        rerank(7, [])
    with pytest.raises(TypeError):
        rerank("alpha", [good[0], ("b#0", 1.0)])
    with pytest.raises(TypeError):
        rerank("alpha", [make_chunk("a#0", "alpha")])
    with pytest.raises(TypeError):
        rerank("alpha", good, phrase_bonus="2")
    with pytest.raises(TypeError):
        rerank("alpha", good, coverage_bonus=True)
    with pytest.raises(TypeError):
        rerank("alpha", good, phrase_bonus=False)
    with pytest.raises(ValueError):
        rerank("alpha", good, phrase_bonus=-0.5)
    with pytest.raises(ValueError):
        rerank("alpha", good, coverage_bonus=-1)
    with pytest.raises(ValueError):
        rerank("alpha", good, phrase_bonus=math.inf)
    with pytest.raises(ValueError):
        rerank("alpha", good, coverage_bonus=math.nan)


def test_rerank_large_bonus_accepted():
    good = [Hit(chunk=make_chunk("a#0", "alpha"), score=1.0)]
    assert rerank("alpha", good, coverage_bonus=1e6)[0].score == pytest.approx(1e6 + 1.0)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"k": 0}, ValueError),
        ({"k": -3}, ValueError),
        ({"k": 2.0}, TypeError),
        ({"k": True}, TypeError),
        ({"k": "2"}, TypeError),
        ({"k": 3, "rerank_depth": 2}, ValueError),
        ({"k": 3, "rerank_depth": 0}, ValueError),
        ({"k": 3, "rerank_depth": 3.0}, TypeError),
        ({"k": 1, "rerank_depth": True}, TypeError),
    ],
)
def test_evaluate_argument_errors(kwargs, error):
    queries = [Query(text="alpha", relevant=frozenset({"a#0"}))]
    with pytest.raises(error):
        evaluate(small_index(), queries, **kwargs)


def test_evaluate_rerank_depth_equal_to_k_accepted():
    queries = [Query(text="alpha", relevant=frozenset({"a#0"}))]
    assert evaluate(small_index(), queries, 2, rerank_depth=2) == {"recall@2": 1.0, "mrr": 1.0}
    assert evaluate(small_index(), queries, 1, rerank_depth=None) == {"recall@1": 1.0, "mrr": 1.0}


def test_evaluate_rejects_empty_queries_and_empty_relevant_sets():
    index = small_index()
    with pytest.raises(ValueError):
        evaluate(index, [], 3)
    with pytest.raises(ValueError):
        evaluate(index, [Query(text="alpha", relevant=frozenset({"a#0"})), Query(text="beta", relevant=frozenset())], 3)


def test_evaluate_does_not_modify_queries():
    relevant = frozenset({"a#0", "b#0"})
    queries = [Query(text="beta", relevant=relevant)]
    evaluate(small_index(), queries, 1)
    assert queries == [Query(text="beta", relevant=relevant)]


def test_hit_and_query_are_immutable_value_objects():
    piece = small_index().search("alpha", 1)[0].chunk
    assert Hit(chunk=piece, score=1.0) == Hit(chunk=piece, score=1.0)
    assert Hit(chunk=piece, score=1.0) != Hit(chunk=piece, score=2.0)
    with pytest.raises(AttributeError):
        Hit(chunk=piece, score=1.0).score = 3.0
    with pytest.raises(AttributeError):
        Query(text="x", relevant=frozenset({"a"})).text = "y"
    assert Query(text="x", relevant=frozenset({"a"})) == Query(text="x", relevant=frozenset({"a"}))


def test_unicode_and_huge_whitespace_inputs():
    text = "Ünïcödé   text\u00a0with\u2003odd spaces and İstanbul"
    pieces = chunk(text, 3, 1)
    assert [p.text for p in pieces] == ["Ünïcödé text with", "with odd spaces", "spaces and İstanbul"]
    assert tokenize(pieces[0].text) == ["n", "c", "d", "text"]
    assert tokenize(pieces[2].text) == ["spaces", "i", "stanbul"]


def test_evaluate_checks_k_before_anything_else():
    index = small_index()
    with pytest.raises(TypeError):
        evaluate(index, [], 2.0)
    with pytest.raises(TypeError):
        evaluate(index, [], True)
    queries = [Query(text="alpha", relevant=frozenset({"a#0"}))]
    with pytest.raises(ValueError):
        evaluate(index, queries, 0, rerank_depth=5)
    with pytest.raises(TypeError):
        evaluate(index, [], 1, rerank_depth=1.5)
