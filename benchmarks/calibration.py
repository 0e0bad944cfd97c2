"""The calibration report at scale, and the figures its interval and its alarm were tuned to.

1. 5,000 scorecards (kv-store, re-keyed, test results varied) x 4 human rows x 2 reviewers
   drawn from 20 with known offsets: the whole report (JSON and HTML, intervals included),
   median of 3 runs. Target: under 5 s.
2. Coverage of the 95% alpha interval by simulation: BCa (the report's) against the plain
   percentile bootstrap, at 10 to 100 doubly-rated submissions; the truth is the alpha of
   400,000 submissions of the same model.
3. The CUSUM drift alarm on simulated teams: the share of calibrated reviewers who alarm within
   500 reviews, and the delay to catch a reviewer who turns a third of a level lenient.
4. Coverage of the leniency intervals: teams of 20 with offsets drawn from N(0, tau^2); the
   truth is each reviewer's offset as expressed in levels (rounding and the 1-4 bounds blunt a
   latent offset), measured on 30,000 submissions of the same team.

    .venv/bin/python benchmarks/calibration.py [--quick]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import UTC, datetime

import numpy as np

from challenges.load import load_challenge
from graders.base import Outcome
from graders.hidden_suite import CaseStatus, unrun_measurement
from graders.registry import available
from reports.analytics import agreement, drift
from reports.analytics.alpha_math import alpha_from_coincidences, unit_coincidences
from reports.analytics.cohort import spearman
from reports.analytics.html import render_calibration_html
from reports.analytics.leniency import leniency
from reports.analytics.report import calibration_report
from reports.analytics.simulate import SimulatedReviewer, simulate
from reports.scorecard import Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard

SUBMISSIONS = 5_000
ROWS = ("organisation", "documentation", "design_reasoning", "testing_habits")
TEAM = [SimulatedReviewer(f"r{i:02d}", offset=round((i - 9.5) / 16, 3)) for i in range(20)]


def scorecards() -> list[Scorecard]:
    challenge = load_challenge("kv-store", available())
    provenance = Provenance(
        commit="a" * 40, image_id="sha256:img", suite_hash=challenge.suite_hash,
        rubric_version="1", challenge_version="1", tool_versions={}, timings={},
        graded_at=datetime(2026, 11, 22, tzinfo=UTC), head="a" * 40,
    )  # fmt: skip
    measurement = unrun_measurement(challenge, Outcome.TEST_FAILURES, "benchmark")
    info = SubmissionInfo(id="x", source="/srv/x", ref=None, commit="a" * 40)
    base = build_scorecard(challenge, info, measurement, provenance, [])
    rng = np.random.default_rng(1)
    cards = []
    for s in range(SUBMISSIONS):
        skill = rng.uniform(0.2, 1.0)
        results = [
            case.model_copy(update={"status": CaseStatus.PASSED, "score": case.max_score})
            if rng.random() < skill * (i % 7 != 0) else
            case.model_copy(update={"status": CaseStatus.FAILED, "score": 0.0})
            for i, case in enumerate(base.tests.results)
        ]  # fmt: skip
        auto = sum(case.score or 0.0 for case in results)
        cards.append(base.model_copy(update={
            "submission": info.model_copy(update={"id": f"sub-{s:05d}"}),
            "tests": base.tests.model_copy(update={"results": results}),
            "auto_score": auto, "outcome": Outcome.TEST_FAILURES,
        }))  # fmt: skip
    return cards


def whole_report() -> None:
    ratings = simulate(TEAM, SUBMISSIONS, criteria=ROWS, per_submission=2, seed=7)
    cards = scorecards()
    times, report, page, text = [], {}, "", ""
    for _ in range(3):
        started = time.perf_counter()
        report = calibration_report(ratings, cards)
        text = json.dumps(report)
        page = render_calibration_html(report)
        times.append(time.perf_counter() - started)
    print(f"1. whole report: {len(ratings)} ratings, {len(cards)} scorecards, "
          f"{report['reviewers']} reviewers: median {statistics.median(times):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in times)}; target < 5 s); "
          f"JSON {len(text) / 1e6:.1f} MB, HTML {len(page) / 1e6:.2f} MB")  # fmt: skip
    for row in report["agreement"]:
        print(f"   {row['criterion']}: alpha {row['alpha']:.3f} [{row['low']:.3f}, "
              f"{row['high']:.3f}] on n = {row['units']}, exact {row['exact']:.2f}, "
              f"adjacent {row['adjacent']:.2f}")  # fmt: skip
    found = {x["reviewer"]: x["offset"] for x in report["leniency"]}
    rho = spearman([r.offset for r in TEAM], [found[r.name] for r in TEAM])
    print(f"   leniency: Spearman {rho:.3f} against the true offsets")


def coverage(sims: int) -> None:
    rng = np.random.default_rng(11)

    def counts(n: int) -> np.ndarray:
        quality = rng.normal(2.5, 0.7, n)
        levels = np.clip(np.rint(quality[:, None] + rng.normal(0, 0.7, (n, 2))), 1, 4)
        return (levels[:, :, None] == np.arange(1, 5)[None, None, :]).sum(axis=1)

    truth = alpha_from_coincidences(unit_coincidences(counts(400_000)).sum(axis=0)[None])[0]
    print(f"2. coverage of the 95% interval ({sims} data sets each; true alpha {truth:.3f}):")
    for n in (10, 20, 40, 100):
        hits = {"bca": 0, "percentile": 0}
        widths: dict[str, list[float]] = {"bca": [], "percentile": []}
        for seed in range(sims):
            shares = unit_coincidences(counts(n))
            estimate = float(alpha_from_coincidences(shares.sum(axis=0)[None])[0])
            if not np.isfinite(estimate):
                continue
            for method in hits:
                interval = agreement.bootstrap_interval(shares, estimate, seed, method)
                if interval is not None:
                    hits[method] += interval[0] <= truth <= interval[1]
                    widths[method].append(interval[1] - interval[0])
        print(f"   n = {n:3d} submissions: BCa {hits['bca'] / sims:.3f} "
              f"(width {statistics.median(widths['bca']):.2f}), percentile "
              f"{hits['percentile'] / sims:.3f} "
              f"(width {statistics.median(widths['percentile']):.2f})")  # fmt: skip


def alarm(teams: int) -> None:
    false_alarms = reviewers = 0
    for seed in range(teams):
        series, _ = drift.review_series(simulate([SimulatedReviewer(f"c{i}") for i in range(20)],
                                                 5_000, seed=seed))  # fmt: skip
        for offsets in series.values():
            head = offsets[:500]
            reviewers += 1
            false_alarms += drift.cusum(head, drift.spread(head))[0] is not None
    delays = []
    for seed in range(teams * 10):
        team = [SimulatedReviewer(f"c{i}") for i in range(19)]
        team.append(SimulatedReviewer("turns", drift=1 / 3, drift_from=100))
        series, _ = drift.review_series(simulate(team, 2_500, seed=1000 + seed))
        at, _ = drift.cusum(series["turns"], drift.spread(series["turns"]))
        delays.append(np.inf if at is None else at - 100)
    caught = np.array(delays)
    print(f"3. CUSUM k = {drift.K:.3f} levels, h = {drift.H:g} sd: calibrated reviewers alarming "
          f"within 500 reviews {false_alarms}/{reviewers} ({false_alarms / reviewers:.1%}); "
          f"a shift of 1/3 level after review 100 ({len(delays)} reviewers): caught before it "
          f"{int((caught <= 0).sum())}, median delay {np.median(caught):.0f} reviews, "
          f"90th percentile {np.quantile(caught, 0.9):.0f}, within 30 "
          f"{(caught[caught > 0] <= 30).mean():.0%}, "
          f"never {int(np.isinf(caught).sum())}")  # fmt: skip


def leniency_coverage(teams: int) -> None:
    rng = np.random.default_rng(3)
    print("4. leniency intervals (95%), 20 reviewers, 2 per submission:")
    for tau, submissions in ((0.0, 300), (0.2, 300), (0.4, 600)):
        hits = total = 0
        widths = []
        for seed in range(teams):
            offsets = rng.normal(0, tau, 20)
            team = [SimulatedReviewer(f"r{i:02d}", offset=float(o)) for i, o in enumerate(offsets)]
            truth = {x.reviewer: x.raw for x in leniency(simulate(team, 30_000, seed=9_999 - seed))}
            for x in leniency(simulate(team, submissions, seed=seed)):
                total += 1
                hits += x.low <= truth[x.reviewer] <= x.high
                widths.append(x.high - x.low)
        print(f"   tau {tau:.1f}, {submissions} submissions, {teams} teams: coverage "
              f"{hits / total:.3f}, median width {statistics.median(widths):.3f}")  # fmt: skip


def main() -> None:
    quick = "--quick" in sys.argv
    whole_report()
    coverage(100 if quick else 1000)
    alarm(2 if quick else 10)
    leniency_coverage(2 if quick else 10)


if __name__ == "__main__":
    main()
