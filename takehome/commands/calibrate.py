"""``takehome calibrate``: how well the reviewers agree, who is lenient or strict, who drifts,
which submissions divide them; from the store's reviews or another tool's ratings file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from challenges.base_error import TakehomeError
from reports.analytics.funnel import funnel
from reports.analytics.html import render_calibration_html
from reports.analytics.ratings_csv import load_ratings_csv
from reports.analytics.records import RatingRecord
from reports.analytics.report import calibration_report
from reports.render.pages import write_text_atomically
from reports.scorecard import Scorecard
from runner.store.ratings import RatingRecords
from takehome.options import DATE_FORMATS
from takehome.settings import load_settings


class CalibrationError(TakehomeError):
    """Nothing to calibrate on, or options that do not go together."""


def _ratings(
    ratings_path: Path | None, challenge: str | None, since: datetime | None
) -> tuple[list[RatingRecord], list[Scorecard] | None, dict[str, Any] | None, str]:
    if ratings_path is not None:
        if challenge is not None:
            raise CalibrationError(
                f"--challenge selects the store's reviews; {ratings_path} has no challenge "
                "column (give it one challenge's ratings)"
            )
        ratings = load_ratings_csv(ratings_path)
        if since is not None:
            ratings = [r for r in ratings if r.rated_at is not None and r.rated_at >= since]
        return ratings, None, None, str(ratings_path)
    with RatingRecords.open(load_settings().store_url) as store:
        ratings, cards = store.completed_ratings(challenge, since)
        return ratings, cards, funnel(store.funnel_records(challenge, since)), store.name


def _summary(report: dict[str, Any]) -> list[str]:
    lines = []
    for row in report["agreement"]:
        alpha = "n/a" if row["alpha"] is None else f"{row['alpha']:.2f}"
        interval = "" if row["low"] is None else f" ({row['low']:.2f} to {row['high']:.2f})"
        few = "" if row["trusted"] else ", too few to trust"
        lines.append(f"{row['criterion']}: alpha {alpha}{interval}, n = {row['units']}{few}")
    for d in report["drift"]:
        if d["alarm_at"] is not None:
            lines.append(f"drift: {d['reviewer']} turned {d['direction']} at review "
                         f"{d['alarm_at']} of {d['reviews']}")  # fmt: skip
    return lines


@click.command("calibrate")
@click.option("--challenge", default=None, help="Only this challenge's reviews (slug).")
@click.option("--since", type=click.DateTime(DATE_FORMATS), default=None,
              help="Only ratings from this date or time on (UTC unless given; a file's "
                   "ratings without a time are left out).")  # fmt: skip
@click.option("--ratings", "ratings_path", type=click.Path(path_type=Path), default=None,
              help="CSV: submission,reviewer,criterion,level[,rated_at].")  # fmt: skip
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the HTML report here.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def calibrate_command(
    challenge: str | None, since: datetime | None, ratings_path: Path | None,
    out_path: Path | None, as_json: bool,
) -> None:  # fmt: skip
    """Reviewer calibration: agreement per rubric row (ordinal Krippendorff's alpha with an
    interval), leniency per reviewer, drift, borderline cases, and (from the store) per-test
    pass rates and human levels against automatic scores."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    ratings, cards, invited, source = _ratings(ratings_path, challenge, since)
    if not ratings:
        raise CalibrationError(f"{source}: no completed ratings"
                               + (f" of {challenge}" if challenge else "")
                               + (f" since {since:%Y-%m-%d %H:%M}" if since else ""))  # fmt: skip
    report = calibration_report(ratings, cards, invited)
    if out_path is not None:
        try:
            write_text_atomically(out_path, render_calibration_html(report))
        except OSError as error:
            raise CalibrationError(f"{out_path}: cannot be written: {error.strerror}") from None
    if as_json:
        click.echo(json.dumps(report, indent=2, allow_nan=False))
        return
    for line in _summary(report):
        click.echo(line)
    if out_path is not None:
        click.echo(f"report written to {out_path}")
