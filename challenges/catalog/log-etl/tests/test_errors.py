"""Errors: EtlError for bad paths, never an exception for bad content."""

import json

import pytest
from etl import BadLine, EtlError, load, run

pytestmark = pytest.mark.errors


def event(id, **extra):
    return json.dumps(
        {"id": id, "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "view", **extra}
    )


def test_run_with_missing_input_dir_raises_and_writes_nothing(tmp_path):
    missing = tmp_path / "no-such-dir"
    out = tmp_path / "out.json"
    with pytest.raises(EtlError) as info:
        run(missing, out)
    assert str(missing) in str(info.value)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert issubclass(EtlError, Exception)
    assert not issubclass(EtlError, (OSError, ValueError))


def test_run_with_file_as_input_dir_raises_and_keeps_old_output(tmp_path):
    not_a_dir = tmp_path / "events.jsonl"
    not_a_dir.write_text(event("a") + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(EtlError) as info:
        run(not_a_dir, out)
    assert str(not_a_dir) in str(info.value)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl", "out.json"]


def test_load_missing_path_raises_etl_error_with_path(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(event("a") + "\n", encoding="utf-8")
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(EtlError) as info:
        load([good, missing])
    assert str(missing) in str(info.value)


def test_load_directory_path_raises_etl_error(tmp_path):
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    with pytest.raises(EtlError) as info:
        load([str(folder)])
    assert str(folder) in str(info.value)


def test_load_of_nothing_is_empty():
    result = load([])
    assert (result.records, result.bad_lines, result.duplicates, result.lines) == ([], [], 0, 0)


def test_load_accepts_str_paths_and_generators(tmp_path):
    first = tmp_path / "one.jsonl"
    second = tmp_path / "two.jsonl"
    first.write_text(event("a") + "\n", encoding="utf-8")
    second.write_text(event("b") + "\n" + event("a") + "\n", encoding="utf-8")
    result = load(str(p) for p in [second, first])
    assert [(r.id, r.file, r.line) for r in result.records] == [
        ("b", "two.jsonl", 1),
        ("a", "two.jsonl", 2),
    ]
    assert result.duplicates == 1


def test_bad_lines_carry_file_name_not_full_path(tmp_path):
    sub = tmp_path / "logs"
    sub.mkdir()
    path = sub / "x.jsonl"
    path.write_text(event("a") + "\n{oops\n", encoding="utf-8")
    result = load([path])
    assert result.bad_lines == [BadLine(file="x.jsonl", line=2, reason="invalid_json", field=None)]
    assert result.records[0].file == "x.jsonl"


def test_hostile_content_never_raises(tmp_path):
    lines = [
        "{" * 5000,
        "[" * 100 + "]" * 100,
        '{"id": {"nested": true}, "ts": [], "user": 1, "action": null}',
        '{"id": "ok", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "v", "amount": 1e400}',
        '{"id": "big", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "v", "amount": 1e308}',
        '{"id": "d", "ts": "9999-12-31T23:59:59+14:00", "user": "u", "action": "v"}',
        '{"id": "e", "ts": "0001-01-01T00:00:00-01:00", "user": "u", "action": "v"}',
        '{"id": "f", "ts": "2024-03-01T10:00:00+25:00", "user": "u", "action": "v"}',
        "\x00\x00\x00",
        '{"id": "g", "id": "h", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "v"}',
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load([path])
    assert [r.id for r in result.records] == ["big", "d", "e", "h"]
    assert [(b.line, b.reason, b.field) for b in result.bad_lines] == [
        (1, "invalid_json", None),
        (2, "not_object", None),
        (3, "invalid_field", "id"),
        (4, "invalid_field", "amount"),
        (8, "invalid_field", "ts"),
        (9, "invalid_json", None),
    ]
    assert result.lines == 10


def test_run_reports_bad_lines_of_every_file_and_continues(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "1.jsonl").write_text("{bad\n" + event("a") + "\n", encoding="utf-8")
    (src / "2.jsonl").write_text(json.dumps({"id": "b"}) + "\n" + event("c") + "\n", encoding="utf-8")
    result = run(src, tmp_path / "out.json")
    assert result["bad_lines"] == [
        {"file": "1.jsonl", "line": 1, "reason": "invalid_json", "field": None},
        {"file": "2.jsonl", "line": 1, "reason": "missing_field", "field": "ts"},
    ]
    assert result["records"] == 2
    assert result["lines"] == 4
