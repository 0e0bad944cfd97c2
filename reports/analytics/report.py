"""The calibration report as one JSON-ready document: every figure with the sample it rests
on, and whether that sample is enough to trust it."""

from __future__ import annotations

from typing import Any

from reports.analytics.agreement import MIN_UNITS, REPLICATES, row_agreement
from reports.analytics.borderline import MIN_PAIR_UNITS, borderline, pair_agreement
from reports.analytics.cohort import MIN_CORRELATED, human_vs_automatic, pass_rates
from reports.analytics.drift import WINDOW, H, K, drift
from reports.analytics.leniency import (
    MIN_RATINGS,
    SCORE_PER_LEVEL,
    Residuals,
    leniency,
    residuals,
)
from reports.analytics.records import RatingRecord, by_criterion
from reports.scorecard import Scorecard

METHODS = {
    "alpha": "Krippendorff's alpha, ordinal (the krippendorff package), per rubric row over the "
    "reviewers x submissions matrix",
    "interval": f"95% BCa bootstrap over submissions ({REPLICATES} replicates; jackknife "
    f"acceleration); fewer than {MIN_UNITS} multiply-rated submissions: too few to trust",
    "leniency": "mean offset from co-reviewers on the same submission rows (their levels "
    "corrected for their own offsets), shrunk toward 0 by empirical Bayes; score = offset x "
    f"{SCORE_PER_LEVEL:g} within -4..+4 (negative: too strict); shown from {MIN_RATINGS} "
    "co-rated ratings",
    "drift": f"mean offset over the last {WINDOW} reviews; two-sided CUSUM of review offsets "
    f"against 0 with k = {K:.3f} levels and h = {H:g} sd of the reviewer's review offsets",
}


def _r(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _agreement(ratings: list[RatingRecord], seed: int) -> list[dict[str, Any]]:
    rows = []
    for criterion, rated in by_criterion(ratings).items():
        a = row_agreement(criterion, rated, seed)
        rows.append({
            "criterion": criterion, "alpha": _r(a.alpha), "low": _r(a.low), "high": _r(a.high),
            "units": a.units, "ratings": a.ratings, "exact": _r(a.exact),
            "adjacent": _r(a.adjacent), "pairs": a.pairs, "trusted": a.trusted,
        })  # fmt: skip
    return rows


def _leniency(ratings: list[RatingRecord], found: Residuals) -> list[dict[str, Any]]:
    rows = []
    for x in leniency(ratings, found):
        if x.shown:
            rows.append({
                "reviewer": x.reviewer, "ratings": x.ratings, "shown": True,
                "offset": _r(x.offset), "low": _r(x.low), "high": _r(x.high),
                "raw": _r(x.raw), "score": x.score,
            })  # fmt: skip
        else:
            rows.append({
                "reviewer": x.reviewer, "ratings": x.ratings, "shown": False,
                "note": f"not enough ratings yet ({x.ratings} of {MIN_RATINGS})",
            })  # fmt: skip
    return rows


def _drift(ratings: list[RatingRecord], found: Residuals) -> list[dict[str, Any]]:
    return [
        {"reviewer": d.reviewer, "reviews": d.reviews, "shown": d.shown,
         "recent": _r(d.recent), "recent_reviews": d.recent_reviews,
         "alarm_at": d.alarm_at, "direction": d.direction,
         "series": [round(x, 3) for x in d.series]}
        for d in drift(ratings, found=found)
    ]  # fmt: skip


def _scorecards(ratings: list[RatingRecord], cards: list[Scorecard]) -> dict[str, Any]:
    tests = [{"node_id": t.node_id, "group": t.group, "passed": t.passed, "runs": t.runs,
              "rate": _r(t.rate), "flag": t.flag} for t in pass_rates(cards)]  # fmt: skip
    correlations = [
        {"criterion": c.criterion, "against": c.against, "rho": _r(c.rho),
         "submissions": c.submissions, "trusted": c.trusted}
        for c in human_vs_automatic(ratings, cards)
    ]  # fmt: skip
    scored = sum(1 for c in cards if c.outcome.scored)
    return {"scorecards": len(cards), "scored": scored, "tests": tests,
            "human_vs_automatic": correlations}  # fmt: skip


def calibration_report(
    ratings: list[RatingRecord],
    cards: list[Scorecard] | None = None,
    funnel: dict[str, Any] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """The whole report: agreement, leniency, drift, borderline cases, reviewer pairs, and,
    given scorecards, per-test pass rates and human against automatic scores."""
    found = residuals(ratings)
    return {
        "ratings": len(ratings),
        "reviewers": len({r.reviewer for r in ratings}),
        "submissions": len({r.submission for r in ratings}),
        "criteria": list(by_criterion(ratings)),
        "thresholds": {"multiply_rated_submissions": MIN_UNITS, "reviewer_ratings": MIN_RATINGS,
                       "pair_rows": MIN_PAIR_UNITS, "correlated_submissions": MIN_CORRELATED},
        "methods": METHODS,
        "agreement": _agreement(ratings, seed),
        "leniency": _leniency(ratings, found),
        "drift": _drift(ratings, found),
        "borderline": [{"submission": b.submission, "criterion": b.criterion,
                        "levels": b.levels, "spread": b.spread} for b in borderline(ratings)],
        "pairs": [{"first": p.first, "second": p.second, "units": p.units,
                   "exact": _r(p.exact), "mean_difference": _r(p.mean_difference),
                   "trusted": p.trusted} for p in pair_agreement(ratings)],
        "cohort": None if cards is None else _scorecards(ratings, cards),
        "funnel": funnel,
    }  # fmt: skip
