"""Encodings and line splitting: BOM, per-line UTF-8/Latin-1, line endings, numbering."""

import json

import pytest
from etl import load

pytestmark = pytest.mark.encodings


def event(id, user="ana", action="view"):
    return json.dumps(
        {"id": id, "ts": "2024-03-01T10:00:00Z", "user": user, "action": action},
        ensure_ascii=False,
    )


def load_bytes(tmp_path, data, name="events.jsonl"):
    path = tmp_path / name
    path.write_bytes(data)
    return load([path])


def test_latin1_file(tmp_path):
    data = (event("a", user="josé") + "\n" + event("b", user="Zoë", action="Café") + "\n").encode(
        "latin-1"
    )
    result = load_bytes(tmp_path, data)
    assert [(r.user, r.action) for r in result.records] == [("josé", "view"), ("Zoë", "café")]
    assert result.bad_lines == []


def test_utf8_is_not_misread_as_latin1(tmp_path):
    data = (event("a", user="josé") + "\n" + event("b", user="Łukasz 日本") + "\n").encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [r.user for r in result.records] == ["josé", "Łukasz 日本"]


def test_bom_is_removed_from_first_line(tmp_path):
    data = b"\xef\xbb\xbf" + (event("a", user="josé") + "\n" + event("b") + "\n").encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [r.id for r in result.records] == ["a", "b"]
    assert result.records[0].user == "josé"
    assert result.records[0].line == 1
    assert result.bad_lines == []


def test_bom_then_latin1_line(tmp_path):
    data = b"\xef\xbb\xbf" + (event("a", user="Müller") + "\n").encode("latin-1")
    result = load_bytes(tmp_path, data)
    assert [r.user for r in result.records] == ["Müller"]


def test_each_line_decoded_on_its_own(tmp_path):
    data = (
        (event("a", user="josé") + "\n").encode("utf-8")
        + (event("b", user="josé") + "\n").encode("latin-1")
        + (event("c", user="Ågot") + "\n").encode("utf-8")
        + (event("d", user="Ågot") + "\n").encode("latin-1")
    )
    result = load_bytes(tmp_path, data)
    assert [(r.id, r.user) for r in result.records] == [
        ("a", "josé"),
        ("b", "josé"),
        ("c", "Ågot"),
        ("d", "Ågot"),
    ]


def test_undecodable_utf8_bytes_fall_back_to_latin1_in_values(tmp_path):
    data = b'{"id": "x\xff", "ts": "2024-03-01T10:00:00Z", "user": "\xc3", "action": "view"}\n'
    result = load_bytes(tmp_path, data)
    assert [(r.id, r.user) for r in result.records] == [("x\u00ff", "\u00c3")]


def test_crlf_line_endings(tmp_path):
    data = (event("a") + "\r\n" + "\r\n" + event("b", user="josé") + "\r\n").encode("latin-1")
    result = load_bytes(tmp_path, data)
    assert [(r.id, r.line) for r in result.records] == [("a", 1), ("b", 3)]
    assert result.records[1].user == "josé"
    assert result.lines == 2


def test_lone_carriage_return_does_not_split_lines(tmp_path):
    data = (event("a") + "\r" + event("b") + "\n" + event("c") + "\n").encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [r.id for r in result.records] == ["c"]
    assert [(b.line, b.reason) for b in result.bad_lines] == [(1, "invalid_json")]
    assert result.records[0].line == 2


def test_unicode_line_separators_inside_values_do_not_split(tmp_path):
    user = "a\u2028b\x85c\x0cd"
    data = (event("a", user=user) + "\n" + event("b") + "\n").encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [(r.id, r.line) for r in result.records] == [("a", 1), ("b", 2)]
    assert result.records[0].user == user
    assert result.lines == 2


def test_latin1_nel_byte_does_not_split(tmp_path):
    # 0x85 is NEL in Latin-1; str.splitlines() would split on it.
    data = b'{"id": "a", "ts": "2024-03-01T10:00:00Z", "user": "x\x85y", "action": "view"}\n'
    result = load_bytes(tmp_path, data)
    assert [r.user for r in result.records] == ["x\x85y"]
    assert result.lines == 1


def test_line_numbers_count_blank_lines_and_last_line_without_newline(tmp_path):
    data = ("\n" + event("a") + "\n\n   \n" + "broken\n" + event("b")).encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [(r.id, r.line) for r in result.records] == [("a", 2), ("b", 6)]
    assert [(b.line, b.reason) for b in result.bad_lines] == [(5, "invalid_json")]
    assert result.lines == 3


def test_empty_and_blank_only_files(tmp_path):
    empty = load_bytes(tmp_path, b"", name="empty.jsonl")
    assert (empty.records, empty.bad_lines, empty.duplicates, empty.lines) == ([], [], 0, 0)
    blank = load_bytes(tmp_path, b"\xef\xbb\xbf\n \n\t\r\n\n", name="blank.jsonl")
    assert (blank.records, blank.bad_lines, blank.duplicates, blank.lines) == ([], [], 0, 0)


def test_binary_garbage_is_a_bad_line_not_a_crash(tmp_path):
    data = b"\x00\x01\xfe\xff\x80garbage\n" + (event("a") + "\n").encode("utf-8")
    result = load_bytes(tmp_path, data)
    assert [r.id for r in result.records] == ["a"]
    assert [(b.line, b.reason, b.field) for b in result.bad_lines] == [(1, "invalid_json", None)]
