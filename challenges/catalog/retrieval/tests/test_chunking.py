"""Chunking: tokenisation, word windows, overlap, ids and offsets."""

import itertools
import random

import pytest
from retrieval import STOP_WORDS, Chunk, chunk, chunk_documents, tokenize

pytestmark = pytest.mark.chunking

EXPECTED_STOP_WORDS = set(
    "a an and are as at be by for from has he in is it its of on that the to was were will with".split()
)


def numbered(n):
    return " ".join(f"w{i}" for i in range(n))


def spans(chunks):
    return [(c.start, c.end) for c in chunks]


def test_stop_words_are_exactly_the_listed_25():
    assert set(STOP_WORDS) == EXPECTED_STOP_WORDS
    assert len(STOP_WORDS) == 25
    assert tokenize(" ".join(sorted(STOP_WORDS))) == []


def test_tokenize_spec_example():
    text = "The COVID-19 café's_menu, isn't it?"
    assert tokenize(text) == ["covid", "19", "caf", "s", "menu", "isn", "t"]


def test_tokenize_lowercases_keeps_order_and_duplicates():
    assert tokenize("Apple BANANA apple Cherry2 42") == ["apple", "banana", "apple", "cherry2", "42"]


def test_tokenize_drops_every_stop_word():
    text = " ".join(sorted(EXPECTED_STOP_WORDS)) + " THE The kept"
    assert tokenize(text) == ["kept"]
    assert tokenize("this") == ["this"]
    assert tokenize("an apple") == ["apple"]


def test_tokenize_separators_are_everything_but_ascii_alphanumerics():
    assert tokenize("snake_case-and.dots/slash\ttab\nnew") == [
        "snake", "case", "dots", "slash", "tab", "new"
    ]
    assert tokenize("naïve résumé") == ["na", "ve", "r", "sum"]
    assert tokenize("x٣y") == ["x", "y"]  # Arabic-Indic digit is not ASCII
    assert tokenize("") == []
    assert tokenize("  ,;!  ") == []


def test_chunk_windows_with_overlap_one():
    chunks = chunk(numbered(10), 4, 1)
    assert spans(chunks) == [(0, 4), (3, 7), (6, 10)]
    assert [c.text for c in chunks] == ["w0 w1 w2 w3", "w3 w4 w5 w6", "w6 w7 w8 w9"]


def test_chunk_windows_without_overlap():
    chunks = chunk(numbered(10), 4, 0)
    assert spans(chunks) == [(0, 4), (4, 8), (8, 10)]
    assert chunks[-1].text == "w8 w9"


def test_chunk_last_window_ends_exactly_at_the_end():
    assert spans(chunk(numbered(10), 4, 2)) == [(0, 4), (2, 6), (4, 8), (6, 10)]
    assert spans(chunk(numbered(8), 4, 0)) == [(0, 4), (4, 8)]
    assert spans(chunk(numbered(9), 4, 0)) == [(0, 4), (4, 8), (8, 9)]
    assert spans(chunk(numbered(11), 4, 2)) == [(0, 4), (2, 6), (4, 8), (6, 10), (8, 11)]


def test_chunk_shorter_than_size_is_one_chunk():
    assert chunk("one two three", 4, 2) == [
        Chunk(id="doc#0", doc_id="doc", index=0, text="one two three", start=0, end=3)
    ]
    assert spans(chunk(numbered(4), 4, 3)) == [(0, 4)]


def test_chunk_size_one_and_maximal_overlap():
    assert [c.text for c in chunk("a b c", 1, 0)] == ["a", "b", "c"]
    assert spans(chunk(numbered(5), 3, 2)) == [(0, 3), (1, 4), (2, 5)]


def test_chunk_fields_ids_and_doc_id():
    chunks = chunk("alpha beta gamma delta epsilon", 3, 1, doc_id="greek")
    assert chunks == [
        Chunk(id="greek#0", doc_id="greek", index=0, text="alpha beta gamma", start=0, end=3),
        Chunk(id="greek#1", doc_id="greek", index=1, text="gamma delta epsilon", start=2, end=5),
    ]
    assert chunk("x", 2, 0)[0].id == "doc#0"


def test_chunk_normalises_whitespace_and_keeps_punctuation():
    text = "  Hello,\tworld!\n\nThe  end.  "
    assert [c.text for c in chunk(text, 2, 0)] == ["Hello, world!", "The end."]
    assert chunk(text, 2, 0)[1].start == 2


def test_chunk_empty_text_gives_no_chunks():
    assert chunk("", 3, 1) == []
    assert chunk(" \n\t ", 3, 1) == []


def test_chunk_is_frozen_and_hashable():
    piece = chunk("a b", 2, 0)[0]
    with pytest.raises(AttributeError):
        piece.text = "other"
    assert len({piece, chunk("a b", 2, 0)[0]}) == 1


def test_chunk_documents_in_mapping_order():
    docs = {"zeta": "z1 z2 z3", "alpha": "a1 a2 a3 a4 a5", "empty": "", "mid": "m1"}
    chunks = chunk_documents(docs, 3, 1)
    assert [c.id for c in chunks] == ["zeta#0", "alpha#0", "alpha#1", "mid#0"]
    assert chunks[2] == Chunk(
        id="alpha#1", doc_id="alpha", index=1, text="a3 a4 a5", start=2, end=5
    )
    assert chunk_documents({}, 3, 1) == []


def test_chunks_tile_a_generated_document():
    rng = random.Random(7)
    for _ in range(60):
        n = rng.randint(1, 80)
        size = rng.randint(1, 12)
        overlap = rng.randint(0, size - 1)
        words = [f"t{rng.randint(0, 9)}" for _ in range(n)]
        chunks = chunk(" ".join(words), size, overlap, doc_id="g")
        stride = size - overlap
        assert chunks[0].start == 0
        assert chunks[-1].end == n
        for i, piece in enumerate(chunks):
            assert piece.index == i
            assert piece.id == f"g#{i}"
            assert piece.start == i * stride
            assert piece.end == min(i * stride + size, n)
            assert piece.text == " ".join(words[piece.start : piece.end])
        for before, after in itertools.pairwise(chunks):
            assert before.end < n
            assert before.end - after.start == overlap
        expected_count = 1 if n <= size else 1 + -(-(n - size) // stride)
        assert len(chunks) == expected_count
