"""The funnel: invited, opened, submitted, graded, reviewed, decided; conversion per stage,
drop-off split into never opened and opened but never submitted, and how long each step takes
(median and 90th percentile, in hours, with the number of candidates each rests on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MIN_INVITED = 30
"""Fewer invitations than this: the funnel is greyed, too few to trust."""
STAGES = ("invited", "opened", "submitted", "graded", "reviewed", "decided")


@dataclass(frozen=True)
class FunnelRecord:
    """One invitation and what became of it; None where it never got there."""

    invited: datetime
    opened: datetime | None = None
    submitted: datetime | None = None
    graded: datetime | None = None
    reviewed: datetime | None = None
    """The first review submitted."""
    last_review: datetime | None = None
    decided: datetime | None = None
    review_seconds: tuple[float, ...] = ()
    """Each review's time spent in the review app (opened to submitted, pauses left out)."""


def _reached(record: FunnelRecord) -> int:
    """How many stages in order the invitation reached (1: invited only)."""
    moments = (record.invited, record.opened, record.submitted, record.graded, record.reviewed,
               record.decided)  # fmt: skip
    count = 0
    for moment in moments:
        if moment is None:
            break
        count += 1
    return count


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _hours(pairs: list[tuple[datetime | None, datetime | None]]) -> dict[str, Any]:
    spans = [(end - start).total_seconds() / 3600 for start, end in pairs
             if start is not None and end is not None and end >= start]  # fmt: skip
    if not spans:
        return {"n": 0, "median_hours": None, "p90_hours": None}
    import numpy as np  # here, not above: the store imports this module for every grade

    return {"n": len(spans), "median_hours": round(float(np.median(spans)), 2),
            "p90_hours": round(float(np.quantile(spans, 0.9)), 2)}  # fmt: skip


def _spent(seconds: list[float]) -> dict[str, Any]:
    return _hours([(_EPOCH, _EPOCH + timedelta(seconds=s)) for s in seconds])


def funnel(records: list[FunnelRecord]) -> dict[str, Any] | None:
    """The funnel of these invitations, or None when there are none."""
    if not records:
        return None
    reached = [_reached(r) for r in records]
    counts = [sum(1 for x in reached if x > i) for i in range(len(STAGES))]
    stages = [
        {"stage": name, "count": count,
         "conversion": None if i == 0 or not counts[i - 1] else round(count / counts[i - 1], 3)}
        for i, (name, count) in enumerate(zip(STAGES, counts, strict=True))
    ]  # fmt: skip
    return {
        "stages": stages,
        "never_opened": sum(1 for x in reached if x == 1),
        "opened_not_submitted": sum(1 for x in reached if x == 2),
        "durations": {
            "time_to_submit": _hours([(r.opened, r.submitted) for r in records]),
            "time_to_grade": _hours([(r.submitted, r.graded) for r in records]),
            "time_to_review": _hours([(r.graded, r.reviewed) for r in records]),
            "review_duration": _hours([(r.reviewed, r.decided or r.last_review)
                                       for r in records]),
            "time_reviewing": _spent([s for r in records for s in r.review_seconds]),
        },
        "minimum": MIN_INVITED,
        "trusted": counts[0] >= MIN_INVITED,
        "definitions": "time to submit: opened to submitted; to grade: submitted to the first "
        "scorecard; to review: that scorecard to its first review; review duration: first "
        "review to the decision (else to the last review); time reviewing: what each review "
        "took in the review app, pauses over two minutes left out",
    }  # fmt: skip
