"""run(): file selection, the summary document, byte-identical re-runs, atomic writes."""

import json
import os
import shutil

import pytest
from etl import run

pytestmark = pytest.mark.idempotence


def event(id, user="ana", action="view", ts="2024-03-01T10:00:00Z", **extra):
    return json.dumps({"id": id, "ts": ts, "user": user, "action": action, **extra}, ensure_ascii=False)


def write(path, *lines, encoding="utf-8", bom=False):
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def make_inputs(root):
    src = root / "in"
    src.mkdir()
    write(
        src / "a.jsonl",
        event("e1"),
        event("e2", action="Purchase", amount=12.5, ts="2024-03-01T23:30:00-02:00"),
        "not json",
        "",
        event("e3", user="bo", ts="2024-03-02T08:00:00"),
        bom=True,
    )
    write(
        src / "b.jsonl",
        event("e1"),
        event("e4", user="josé", ts="2024-03-02T09:15:30.750+00:00", amount=None),
        encoding="latin-1",
    )
    return src


EXPECTED = {
    "files": ["a.jsonl", "b.jsonl"],
    "lines": 6,
    "records": 3,
    "duplicates": 1,
    "bad_lines": [
        {"file": "a.jsonl", "line": 3, "reason": "invalid_json", "field": None},
        {"file": "a.jsonl", "line": 5, "reason": "invalid_field", "field": "ts"},
    ],
    "summary": {
        "events": 3,
        "users": 2,
        "revenue": 12.5,
        "by_action": {"purchase": 1, "view": 2},
        "by_user": {"ana": {"events": 2, "revenue": 12.5}, "josé": {"events": 1, "revenue": 0.0}},
        "by_day": {"2024-03-01": 1, "2024-03-02": 2},
        "first_ts": "2024-03-01T10:00:00Z",
        "last_ts": "2024-03-02T09:15:30Z",
    },
}


def test_spec_example_return_value_and_file(tmp_path):
    src = make_inputs(tmp_path)
    out = tmp_path / "out.json"
    returned = run(src, out)
    assert returned == EXPECTED
    assert json.loads(out.read_text(encoding="utf-8")) == EXPECTED


def test_output_bytes_are_exactly_the_specified_json(tmp_path):
    src = make_inputs(tmp_path)
    out = tmp_path / "out.json"
    run(str(src), str(out))
    expected = json.dumps(EXPECTED, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert out.read_bytes() == expected.encode("utf-8")


def test_running_twice_gives_identical_bytes(tmp_path):
    src = make_inputs(tmp_path)
    out = tmp_path / "out.json"
    first = run(src, out)
    first_bytes = out.read_bytes()
    second = run(src, out)
    assert second == first
    assert out.read_bytes() == first_bytes


def test_output_inside_input_dir_is_never_an_input(tmp_path):
    src = make_inputs(tmp_path)
    out = src / "summary.jsonl"
    first = run(src, out)
    assert first["files"] == ["a.jsonl", "b.jsonl"]
    first_bytes = out.read_bytes()
    second = run(src, out)
    assert second == first
    assert out.read_bytes() == first_bytes
    assert sorted(p.name for p in src.iterdir()) == ["a.jsonl", "b.jsonl", "summary.jsonl"]


def test_result_independent_of_location_and_creation_order(tmp_path):
    one = make_inputs(tmp_path / "x" if (tmp_path / "x").mkdir() is None else None)
    other = tmp_path / "y" / "deep" / "in"
    other.mkdir(parents=True)
    # create the files in the opposite order in the other directory
    for name in ("b.jsonl", "a.jsonl"):
        shutil.copyfile(one / name, other / name)
    run(one, tmp_path / "one.json")
    run(other, tmp_path / "other.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "other.json").read_bytes()


def test_files_are_processed_in_name_order_for_duplicates(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src / "b.jsonl", event("same", user="from-b"))
    write(src / "a10.jsonl", event("same", user="from-a10"))
    write(src / "a2.jsonl", event("same", user="from-a2"))
    result = run(src, tmp_path / "out.json")
    assert result["files"] == ["a10.jsonl", "a2.jsonl", "b.jsonl"]
    assert result["summary"]["by_user"] == {"from-a10": {"events": 1, "revenue": 0.0}}
    assert result["duplicates"] == 2


def test_only_jsonl_files_directly_inside_are_inputs(tmp_path):
    src = tmp_path / "in"
    (src / "nested").mkdir(parents=True)
    (src / "dir.jsonl").mkdir()
    write(src / "ok.jsonl", event("a"))
    write(src / "notes.txt", event("b"))
    write(src / "data.jsonl.bak", event("c"))
    write(src / "upper.JSONL", event("d"))
    write(src / "nested" / "deep.jsonl", event("e"))
    result = run(src, tmp_path / "out.json")
    assert result["files"] == ["ok.jsonl"]
    assert result["records"] == 1


def test_empty_input_dir(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    out = tmp_path / "out.json"
    result = run(src, out)
    assert result == {
        "files": [],
        "lines": 0,
        "records": 0,
        "duplicates": 0,
        "bad_lines": [],
        "summary": {
            "events": 0,
            "users": 0,
            "revenue": 0.0,
            "by_action": {},
            "by_user": {},
            "by_day": {},
            "first_ts": None,
            "last_ts": None,
        },
    }
    assert json.loads(out.read_text(encoding="utf-8")) == result


def test_rerun_after_adding_a_file_of_duplicates(tmp_path):
    src = make_inputs(tmp_path)
    out = tmp_path / "out.json"
    before = run(src, out)
    write(src / "c.jsonl", event("e2", amount=99.0), event("e4"))
    after = run(src, out)
    assert after["summary"] == before["summary"]
    assert after["duplicates"] == before["duplicates"] + 2
    assert after["lines"] == before["lines"] + 2
    assert after["files"] == ["a.jsonl", "b.jsonl", "c.jsonl"]


def test_no_temporary_file_left_and_output_replaced_by_rename(tmp_path):
    src = make_inputs(tmp_path)
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "summary.json"
    out.write_text("old contents\n", encoding="utf-8")
    os.link(out, outdir / "hardlink-to-old")
    run(src, out)
    assert sorted(p.name for p in outdir.iterdir()) == ["hardlink-to-old", "summary.json"]
    # a rename gives the path a new file; rewriting in place would change the old one too
    assert (outdir / "hardlink-to-old").read_text(encoding="utf-8") == "old contents\n"
    assert json.loads(out.read_text(encoding="utf-8")) == EXPECTED


def test_failed_write_removes_temporary_file_and_keeps_target(tmp_path):
    src = make_inputs(tmp_path)
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / "summary.json"
    target.mkdir()
    (target / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        run(src, target)
    assert sorted(p.name for p in outdir.iterdir()) == ["summary.json"]
    assert (target / "keep.txt").read_text(encoding="utf-8") == "x"
