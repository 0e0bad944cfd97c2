"""Aggregation: exact summary values from Records built directly."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from etl import Record, aggregate

pytestmark = pytest.mark.aggregation

EMPTY = {
    "events": 0,
    "users": 0,
    "revenue": 0.0,
    "by_action": {},
    "by_user": {},
    "by_day": {},
    "first_ts": None,
    "last_ts": None,
}


def rec(id, ts=datetime(2024, 3, 1, 10, 0, tzinfo=UTC), user="ana", action="view", amount=0.0):
    return Record(id=id, ts=ts, user=user, action=action, amount=amount, file="f.jsonl", line=1)


def test_empty_input():
    assert aggregate([]) == EMPTY
    assert aggregate(iter([])) == EMPTY


def test_single_record():
    summary = aggregate([rec("a", amount=2.5, action="purchase")])
    assert summary == {
        "events": 1,
        "users": 1,
        "revenue": 2.5,
        "by_action": {"purchase": 1},
        "by_user": {"ana": {"events": 1, "revenue": 2.5}},
        "by_day": {"2024-03-01": 1},
        "first_ts": "2024-03-01T10:00:00Z",
        "last_ts": "2024-03-01T10:00:00Z",
    }


def test_counts_per_action_user_and_day():
    day1 = datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    records = [
        rec("1", ts=day1, user="ana", action="view"),
        rec("2", ts=day1 + timedelta(hours=23, minutes=59, seconds=59), user="bo", action="view"),
        rec("3", ts=day1 + timedelta(days=1), user="ana", action="purchase", amount=10.0),
        rec("4", ts=day1 + timedelta(days=3), user="cy", action="click"),
        rec("5", ts=day1 + timedelta(days=3), user="Ana", action="view", amount=1.25),
    ]
    summary = aggregate(records)
    assert summary["events"] == 5
    assert summary["users"] == 4
    assert summary["revenue"] == 11.25
    assert summary["by_action"] == {"click": 1, "purchase": 1, "view": 3}
    assert summary["by_user"] == {
        "Ana": {"events": 1, "revenue": 1.25},
        "ana": {"events": 2, "revenue": 10.0},
        "bo": {"events": 1, "revenue": 0.0},
        "cy": {"events": 1, "revenue": 0.0},
    }
    assert summary["by_day"] == {"2024-03-01": 2, "2024-03-02": 1, "2024-03-04": 2}


def test_first_and_last_timestamps_in_any_order():
    base = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    records = [
        rec("mid", ts=base),
        rec("last", ts=base + timedelta(days=2, seconds=1)),
        rec("first", ts=base - timedelta(days=4, hours=1)),
        rec("mid2", ts=base + timedelta(hours=1)),
    ]
    summary = aggregate(records)
    assert summary["first_ts"] == "2024-03-01T11:00:00Z"
    assert summary["last_ts"] == "2024-03-07T12:00:01Z"


def test_timestamp_format_drops_fractional_seconds():
    ts = datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)
    summary = aggregate([rec("a", ts=ts)])
    assert summary["first_ts"] == "2024-01-02T03:04:05Z"
    assert summary["last_ts"] == "2024-01-02T03:04:05Z"


def test_by_day_and_timestamps_use_utc_even_for_other_offsets():
    plus_two = timezone(timedelta(hours=2))
    ts = datetime(2024, 3, 2, 1, 30, tzinfo=plus_two)  # 2024-03-01T23:30Z
    summary = aggregate([rec("a", ts=ts)])
    assert summary["by_day"] == {"2024-03-01": 1}
    assert summary["first_ts"] == "2024-03-01T23:30:00Z"


def test_duplicate_ids_counted_once_first_wins():
    records = [
        rec("a", user="ana", amount=5.0, action="purchase"),
        rec("b", user="bo"),
        rec("a", user="zed", amount=100.0, action="refund"),
        rec("a", user="ana", amount=5.0, action="purchase"),
    ]
    summary = aggregate(records)
    assert summary["events"] == 2
    assert summary["users"] == 2
    assert summary["revenue"] == 5.0
    assert summary["by_action"] == {"purchase": 1, "view": 1}
    assert summary["by_user"] == {
        "ana": {"events": 1, "revenue": 5.0},
        "bo": {"events": 1, "revenue": 0.0},
    }


def test_revenue_is_rounded_sum_not_sum_of_rounded():
    records = [rec(str(i), amount=0.004) for i in range(3)]
    summary = aggregate(records)
    assert summary["revenue"] == 0.01
    assert summary["by_user"]["ana"]["revenue"] == 0.01


def test_revenue_rounded_to_two_decimals():
    summary = aggregate([rec("a", amount=0.1), rec("b", amount=0.2), rec("c", user="x", amount=1.237)])
    assert summary["revenue"] == 1.54
    assert summary["by_user"] == {
        "ana": {"events": 2, "revenue": 0.3},
        "x": {"events": 1, "revenue": 1.24},
    }
    assert isinstance(summary["revenue"], float)


def test_accepts_any_iterable_and_does_not_mutate_input():
    records = [rec("a"), rec("b", user="bo")]
    copy = list(records)
    assert aggregate(r for r in records)["events"] == 2
    assert records == copy


def test_returns_new_dict_each_time():
    records = [rec("a")]
    first = aggregate(records)
    first["by_action"]["view"] = 99
    first["events"] = -1
    assert aggregate(records) == {**aggregate(records), "events": 1}
    assert aggregate(records)["by_action"] == {"view": 1}
