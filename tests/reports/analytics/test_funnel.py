"""The funnel: stages in order, conversion, drop-off split, durations; from the store's
invitations, scorecards, reviews and decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reports.analytics.funnel import FunnelRecord, funnel
from runner.store.ratings import RatingRecords
from runner.store.runs import Store
from tests.reports.analytics.test_calibrate_command import _store_with_reviews

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def at(hours):
    return T0 + timedelta(hours=hours)


def test_stages_conversion_drop_off_and_durations():
    records = [
        FunnelRecord(at(0)),
        FunnelRecord(at(0), opened=at(1)),
        FunnelRecord(at(0), opened=at(1), submitted=at(11)),
        FunnelRecord(
            at(0),
            opened=at(1),
            submitted=at(21),
            graded=at(21.5),
            reviewed=at(45.5),
            last_review=at(47.5),
            decided=at(49.5),
            review_seconds=(600.0, 1800.0),
        ),
        FunnelRecord(at(0), submitted=at(5), graded=at(6)),  # never opened: stops at invited
    ]
    found = funnel(records)
    assert [(s["stage"], s["count"]) for s in found["stages"]] == [
        ("invited", 5), ("opened", 3), ("submitted", 2), ("graded", 1), ("reviewed", 1),
        ("decided", 1)]  # fmt: skip
    assert found["stages"][1]["conversion"] == 0.6
    assert found["stages"][0]["conversion"] is None
    assert (found["never_opened"], found["opened_not_submitted"]) == (2, 1)
    submit = found["durations"]["time_to_submit"]
    assert submit["n"] == 2
    assert submit["median_hours"] == 15.0
    assert submit["p90_hours"] == pytest.approx(19.0)
    assert found["durations"]["time_to_review"]["median_hours"] == 24.0
    assert found["durations"]["review_duration"]["median_hours"] == 4.0
    reviewing = found["durations"]["time_reviewing"]
    assert (reviewing["n"], reviewing["median_hours"]) == (2, pytest.approx(1 / 3, abs=0.01))
    assert not found["trusted"]
    assert funnel([]) is None


def test_the_store_s_invitations_become_funnel_records(tmp_path, kv_store):
    url = f"sqlite:///{tmp_path / 'takehome.db'}"
    with Store.open(url) as store:
        for s in range(8):
            invitation = store.create_invitation("kv-store", f"cand-{s}", None)
            if s < 7:
                store.open_invitation(invitation.id)
            if s < 6:
                store.use_invitation(invitation.id)
    _store_with_reviews(url, kv_store)  # scorecards and two reviews each for cand-0..5
    with RatingRecords.open(url) as store:
        records = store.funnel_records()
        assert store.funnel_records(challenge="other") == []
    found = funnel(records)
    assert [s["count"] for s in found["stages"]] == [8, 7, 6, 6, 6, 0]
    assert (found["never_opened"], found["opened_not_submitted"]) == (1, 1)
    assert found["durations"]["time_to_grade"]["n"] == 6
