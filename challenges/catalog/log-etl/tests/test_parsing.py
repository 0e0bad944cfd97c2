"""Parsing and validation: one JSON line into a Record or a precisely described BadLine."""

import dataclasses
import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from etl import BadLine, LoadResult, Record, load

pytestmark = pytest.mark.parsing


def line(**fields):
    return json.dumps(fields, ensure_ascii=False)


def event(id="e1", ts="2024-03-01T10:00:00Z", user="ana", action="view", **extra):
    return line(id=id, ts=ts, user=user, action=action, **extra)


def load_lines(tmp_path, *lines, name="events.jsonl"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return load([path])


def bad(result):
    return [(b.line, b.reason, b.field) for b in result.bad_lines]


def test_valid_line_gives_exact_record(tmp_path):
    result = load_lines(tmp_path, event(amount=12.5, extra="ignored"))
    assert isinstance(result, LoadResult)
    assert result.records == [
        Record(
            id="e1",
            ts=datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
            user="ana",
            action="view",
            amount=12.5,
            file="events.jsonl",
            line=1,
        )
    ]
    assert result.bad_lines == []
    assert result.duplicates == 0
    assert result.lines == 1


def test_text_fields_are_stripped_and_action_lower_cased(tmp_path):
    result = load_lines(tmp_path, event(id="  e7 ", user="\tAna Lima ", action=" Purchase\n"))
    (record,) = result.records
    assert record.id == "e7"
    assert record.user == "Ana Lima"
    assert record.action == "purchase"


def test_timestamp_with_offset_is_converted_to_utc(tmp_path):
    result = load_lines(tmp_path, event(ts="2024-03-01T23:30:00-02:00"))
    (record,) = result.records
    assert record.ts == datetime(2024, 3, 2, 1, 30, tzinfo=UTC)
    assert record.ts.utcoffset() == timedelta(0)
    assert (record.ts.year, record.ts.month, record.ts.day, record.ts.hour) == (2024, 3, 2, 1)


def test_timestamp_forms_accepted_by_fromisoformat(tmp_path):
    result = load_lines(
        tmp_path,
        event(id="a", ts="2024-03-01T10:00:00+00:00"),
        event(id="b", ts="2024-03-01T10:00:00.250Z"),
        event(id="c", ts="2024-03-01 12:00:00+02:00"),
    )
    assert [r.id for r in result.records] == ["a", "b", "c"]
    assert result.records[1].ts == datetime(2024, 3, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert result.records[2].ts == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_invalid_timestamps(tmp_path):
    result = load_lines(
        tmp_path,
        event(id="a", ts="2024-03-01T10:00:00"),
        event(id="b", ts="yesterday"),
        event(id="c", ts=1709287200),
        event(id="d", ts="2024-02-30T10:00:00Z"),
        event(id="e", ts=""),
    )
    assert result.records == []
    assert bad(result) == [(n, "invalid_field", "ts") for n in range(1, 6)]


def test_amount_rules(tmp_path):
    result = load_lines(
        tmp_path,
        event(id="int", amount=3),
        event(id="zero", amount=0),
        event(id="null", amount=None),
        event(id="absent"),
        event(id="neg", amount=-0.01),
        event(id="bool", amount=True),
        event(id="str", amount="12.50"),
        event(id="list", amount=[1]),
    )
    amounts = {r.id: r.amount for r in result.records}
    assert amounts == {"int": 3.0, "zero": 0.0, "null": 0.0, "absent": 0.0}
    assert all(type(r.amount) is float for r in result.records)
    assert bad(result) == [(n, "invalid_field", "amount") for n in range(5, 9)]


def test_non_finite_amounts_are_invalid(tmp_path):
    base = '{"id": "%s", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "a", "amount": %s}'
    result = load_lines(tmp_path, base % ("n", "NaN"), base % ("i", "Infinity"), base % ("m", "-Infinity"))
    assert result.records == []
    assert bad(result) == [(1, "invalid_field", "amount"), (2, "invalid_field", "amount"), (3, "invalid_field", "amount")]
    assert not any(isinstance(r.amount, float) and math.isnan(r.amount) for r in result.records)


def test_missing_fields_absent_or_null(tmp_path):
    full = {"id": "x", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "a"}
    lines = []
    for name in ("id", "ts", "user", "action"):
        lines.append(line(**{k: v for k, v in full.items() if k != name}))
        lines.append(line(**{**full, name: None}))
    result = load_lines(tmp_path, *lines)
    assert result.records == []
    assert bad(result) == [
        (1, "missing_field", "id"),
        (2, "missing_field", "id"),
        (3, "missing_field", "ts"),
        (4, "missing_field", "ts"),
        (5, "missing_field", "user"),
        (6, "missing_field", "user"),
        (7, "missing_field", "action"),
        (8, "missing_field", "action"),
    ]


def test_invalid_text_fields(tmp_path):
    result = load_lines(
        tmp_path,
        event(id=17),
        event(id="   "),
        event(user=""),
        event(user=["ana"]),
        event(action="  "),
        event(action=False),
    )
    assert result.records == []
    assert bad(result) == [
        (1, "invalid_field", "id"),
        (2, "invalid_field", "id"),
        (3, "invalid_field", "user"),
        (4, "invalid_field", "user"),
        (5, "invalid_field", "action"),
        (6, "invalid_field", "action"),
    ]


def test_first_problem_in_field_order_wins(tmp_path):
    result = load_lines(
        tmp_path,
        line(user="u", amount=-1),
        line(id="x", ts="bad", amount=-1),
        line(id="x", ts="2024-03-01T10:00:00Z", action=3),
        line(id="x", ts="2024-03-01T10:00:00Z", user="u", action=" ", amount=-1),
        line(id="x", ts="2024-03-01T10:00:00Z", user="u", action="a", amount="1"),
        line(id=None, ts="bad"),
    )
    assert bad(result) == [
        (1, "missing_field", "id"),
        (2, "invalid_field", "ts"),
        (3, "missing_field", "user"),
        (4, "invalid_field", "action"),
        (5, "invalid_field", "amount"),
        (6, "missing_field", "id"),
    ]


def test_invalid_json_and_not_object(tmp_path):
    result = load_lines(
        tmp_path,
        '{"id": "e1", "ts": "2024-03-01T10:00:00Z"',
        "not json at all",
        "[1, 2]",
        '"text"',
        "42",
        "null",
        '{"id": "e2", "ts": "2024-03-01T10:00:00Z", "user": "u", "action": "a"} trailing',
    )
    assert result.records == []
    assert result.bad_lines == [
        BadLine(file="events.jsonl", line=1, reason="invalid_json", field=None),
        BadLine(file="events.jsonl", line=2, reason="invalid_json", field=None),
        BadLine(file="events.jsonl", line=3, reason="not_object", field=None),
        BadLine(file="events.jsonl", line=4, reason="not_object", field=None),
        BadLine(file="events.jsonl", line=5, reason="not_object", field=None),
        BadLine(file="events.jsonl", line=6, reason="not_object", field=None),
        BadLine(file="events.jsonl", line=7, reason="invalid_json", field=None),
    ]


def test_surrounding_whitespace_of_a_line_is_ignored(tmp_path):
    result = load_lines(tmp_path, "   " + event(id="a") + " \t ", "\t" + event(id="b"))
    assert [r.id for r in result.records] == ["a", "b"]
    assert result.bad_lines == []


def test_duplicates_first_valid_record_wins(tmp_path):
    result = load_lines(
        tmp_path,
        event(id="d", ts="bad"),
        event(id="d", user="first"),
        event(id="other"),
        event(id=" d ", user="second"),
        event(id="D", user="upper"),
        event(id="d", user="third", amount=-5),
    )
    assert [(r.id, r.user, r.line) for r in result.records] == [
        ("d", "first", 2),
        ("other", "ana", 3),
        ("D", "upper", 5),
    ]
    assert result.duplicates == 1
    assert bad(result) == [(1, "invalid_field", "ts"), (6, "invalid_field", "amount")]
    assert result.lines == 6


def test_counts_add_up(tmp_path):
    result = load_lines(
        tmp_path, event(id="a"), "", "oops", event(id="a"), event(id="b"), "   ", event(id="a")
    )
    assert result.lines == 5
    assert len(result.records) == 2
    assert len(result.bad_lines) == 1
    assert result.duplicates == 2
    assert len(result.records) + len(result.bad_lines) + result.duplicates == result.lines


def test_result_classes_are_frozen_dataclasses(tmp_path):
    result = load_lines(tmp_path, event(), "oops")
    record, bad_line = result.records[0], result.bad_lines[0]
    for obj, attr in ((record, "id"), (bad_line, "reason"), (result, "duplicates")):
        assert dataclasses.is_dataclass(obj)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, "changed")
    assert [f.name for f in dataclasses.fields(Record)] == [
        "id", "ts", "user", "action", "amount", "file", "line"
    ]
    assert [f.name for f in dataclasses.fields(BadLine)] == ["file", "line", "reason", "field"]
    assert hash(record) == hash(dataclasses.replace(record))
