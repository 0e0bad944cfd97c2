"""Grading: one submission, a roster, a challenge's own samples, a regrade.

The module itself imports next to nothing: a one-shot ``grade`` starts its container early
(``runner.sandbox.early``), before pydantic, the challenge models and the graders load, and
does not pay for rosters, the cohort page, rich's progress bars or the regrade's diff. Each
command imports what it needs when it runs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from takehome.errors import EXIT_EXPECTED
from takehome.meanwhile import Preparing
from takehome.options import (
    DATE_FORMATS,
    blind_option,
    challenge_option,
    id_option,
    not_empty,
    out_dir_option,
    utc,
)

if TYPE_CHECKING:
    from challenges.load import Challenge
    from reports.scorecard import Scorecard
    from runner.recording import Graded
    from runner.review_desk.recording import ReviewRecorder
    from runner.sandbox.ahead import StartedAhead
    from runner.sandbox.early import EarlyStart
    from runner.sandbox.engine import Engine
    from runner.sandbox.run_images import RunImage
    from takehome.settings import Settings

UNGRADED = {"repo_rejected", "infra_error"}
CHALLENGE_HELP = "Bundled challenge slug or a challenge directory."


def summary_line(card: Scorecard, where: Path) -> str:
    """``id: outcome (reason); tests p/t; points; status -> reports``."""
    score = f"{card.auto_score:g}/{card.auto_max_score:g} auto points"
    return (
        f"{card.submission.id}: {card.outcome.value} ({card.reason}); "
        f"tests {card.tests.passed}/{card.tests.total}; {score}; {card.status.value} -> {where}"
    )


@click.command("grade")
@click.argument("submission", callback=not_empty)
@challenge_option(CHALLENGE_HELP)
@click.option(
    "--ref",
    default=None,
    help="Branch, tag or commit SHA, graded as is (default: the head; the time window picks).",
)
@out_dir_option("out", "Reports go to OUT/<submission-id>/.")
@id_option
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard JSON, not a summary.")
@blind_option
@click.option(
    "--started-at",
    type=click.DateTime(DATE_FORMATS),
    default=None,
    help="When the candidate started, ISO 8601 (default: the first commit's date).",
)
@click.option(
    "--deadline",
    type=click.DateTime(DATE_FORMATS),
    default=None,
    help="Hard deadline, ISO 8601; the window ends at the earlier of the two.",
)
def grade_command(
    submission: str, challenge_ref: str, ref: str | None, out_dir: Path,
    submission_id: str | None, as_json: bool, blind: bool | None,
    started_at: datetime | None, deadline: datetime | None,
) -> None:  # fmt: skip
    """Grade SUBMISSION (a directory, a git repository or a git URL) and write its reports.

    Exits 0 when the submission was graded, whatever its score; 1 when it could not be
    (rejected repository, infra error, bad input).
    """
    early = _early_start(challenge_ref)
    try:
        from runner.sandbox.ahead import StartedAhead
        from takehome import wiring
        from takehome.settings import load_settings

        settings = load_settings()
        challenge = wiring.challenge(challenge_ref)
        client, image = wiring.engine_and_image(settings, challenge)
        limits = challenge.config.limits
        # The container boots while the rest of the grader loads (imported only now).
        with StartedAhead(client, image, limits, settings.work_dir, early) as ahead:
            card, where = _grade_one(settings, challenge, client, image, ahead, submission,
                                     ref, out_dir, submission_id, blind, started_at,
                                     deadline)  # fmt: skip
    finally:
        if early is not None:
            early.close()
    if card.outcome.value in UNGRADED:
        click.echo(f"error: {card.reason} (record in {where})", err=True)
        raise SystemExit(EXIT_EXPECTED)
    click.echo(card.model_dump_json(indent=2) if as_json else summary_line(card, where))


def _early_start(challenge_ref: str) -> EarlyStart | None:
    """The challenge's container, started before the grader's modules load; None when it
    cannot be guessed (``runner.sandbox.early``: the grade checks it before taking it)."""
    from challenges.base_error import TakehomeError
    from challenges.location import resolve_challenge_dir
    from runner.sandbox.early import EarlyStart
    from takehome.environment import takehome_variables

    try:
        root = resolve_challenge_dir(challenge_ref)
    except TakehomeError:
        return None  # the loader says what is wrong
    scratch = takehome_variables().get("work_dir")
    return EarlyStart.begin(root, Path(scratch) if scratch is not None else None)


def _grade_one(
    settings: Settings, challenge: Challenge, client: Engine, image: RunImage,
    ahead: StartedAhead, submission: str, ref: str | None, out_dir: Path,
    submission_id: str | None, blind: bool | None, started_at: datetime | None,
    deadline: datetime | None,
) -> tuple[Scorecard, Path]:  # fmt: skip
    from runner.pipeline import GradeRequest, grade
    from takehome import wiring

    request = GradeRequest(
        source=submission, challenge=challenge, ref=ref, submission_id=submission_id,
        window_start=utc(started_at), deadline=utc(deadline), pinned=ref is not None,
    )  # fmt: skip
    preparing = Preparing(settings.records_for_review)
    config = wiring.pipeline_config(settings, challenge, blind)
    config = replace(config, run_begins=preparing.begin,
                     has_finished_work=preparing.before(config.has_finished_work))  # fmt: skip
    graded = grade(request, client, image, config, out_dir, ahead)
    preparing.done()
    if settings.records_for_review:
        _for_review(settings.store_url, [graded], challenge)
    return graded.scorecard, graded.reports["report.html"].parent


def _for_review(store_url: str, graded: list[Graded], challenge: Challenge) -> None:
    from runner.review_desk.recording import ReviewRecorder  # the store only once graded

    recorder = ReviewRecorder(store_url, challenge=challenge)
    try:
        for one in graded:
            recorder(one)
    finally:
        recorder.close()
    _warn(recorder)


def _warn(recorder: ReviewRecorder) -> None:
    if recorder.problem is not None:
        click.echo(f"warning: not recorded for the review app: {recorder.problem}", err=True)


slots_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel slots (default: cores divided by the challenge's CPU quota).",
)
"""How many submissions a batch or a challenge check grades at once."""


@click.command("batch")
@click.argument("roster_path", metavar="ROSTER", type=click.Path(path_type=Path))
@challenge_option(CHALLENGE_HELP)
@slots_option
@out_dir_option("out", "Reports go to OUT/<alias>/, the cohort index to OUT/index.html.")
@blind_option
@click.option(
    "--queue",
    "queued",
    is_flag=True,
    help="Send the submissions to `takehome worker`s (TAKEHOME_BROKER_URL) and wait for their "
    "scorecards in the store (TAKEHOME_DATABASE_URL); --jobs is then the workers' business.",
)
def batch_command(
    roster_path: Path, challenge_ref: str, jobs: int | None, out_dir: Path, blind: bool | None,
    queued: bool,
) -> None:  # fmt: skip
    """Grade every submission of a roster (CSV or YAML: alias, repo, ref, invited_at,
    deadline) in parallel; run again, it grades only what is missing or changed."""
    from rich.console import Console

    from challenges.roster import load_roster
    from reports.render.cohort_page import write_index
    from runner.batch import default_slots
    from runner.cohort import grade_cohort, plan_cohort
    from takehome import wiring
    from takehome.batch_view import progress_bar, summary_table
    from takehome.settings import load_settings

    settings = load_settings()
    entries = load_roster(roster_path)
    challenge = wiring.challenge(challenge_ref)
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge, blind)
    if queued:
        from takehome.commands import queueing  # the queue and the store only with --queue

        cards, kept = queueing.grade_queued(settings, entries, challenge_ref, challenge, image,
                                            config, out_dir, blind)  # fmt: skip
        Console().print(summary_table(cards, kept))
        click.echo(f"cohort index: {write_index(cards, challenge.config.title, out_dir)}")
        return
    plan = plan_cohort(entries, challenge, image, config, out_dir)
    slots = jobs or default_slots(challenge)
    from runner.review_desk.recording import ReviewRecorder  # the store only once graded

    recorder = ReviewRecorder(settings.store_url, settings.records_for_review, challenge)
    try:
        with progress_bar(Console(stderr=True), len(plan.to_grade)) as advance:
            cards = grade_cohort(plan, client, image, config, out_dir, slots,
                                 recorder.chained(advance))  # fmt: skip
    finally:
        recorder.close()
    _warn(recorder)
    Console().print(summary_table(cards, len(plan.kept)))
    click.echo(f"cohort index: {write_index(cards, challenge.config.title, out_dir)}")


@click.command("check")
@click.argument("challenge_ref", metavar="SLUG_OR_DIR")
@out_dir_option("out", "Where the samples' reports go (OUT/<challenge>/<sample>/).")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Runs of the reference and of each sample; tests that differ are flaky.",
)
@click.option(
    "--mutants",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="Mutants of the reference graded at most (0: no mutation analysis).",
)
@slots_option
@click.option(
    "--table",
    is_flag=True,
    help="Also print a Markdown table: each sample's score per row, the mutants, the time.",
)
def check_command(challenge_ref: str, out_dir: Path, runs: int, mutants: int,
                  jobs: int | None, table: bool) -> None:  # fmt: skip
    """The challenge's quality gate: validation, the reference at full marks, the starter and
    every sample in their declared ranges, repeated runs (flaky tests named), mutation analysis
    of the hidden suite, the AI-written baseline and the suite's time against its timeout.
    One line per check; exits 1 when any check fails."""
    from rich.console import Console

    from graders.registry import available
    from runner.batch import default_slots
    from runner.quality.gate import GateOptions, gate_size, run_gate
    from takehome import wiring
    from takehome.batch_view import progress_bar
    from takehome.settings import load_settings

    settings = load_settings()
    challenge = wiring.challenge(challenge_ref)
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    options = GateOptions(runs=runs, mutants=mutants, slots=jobs or default_slots(challenge))
    where = out_dir / challenge.config.id
    with progress_bar(Console(stderr=True), gate_size(challenge, options)) as advance:
        report = run_gate(challenge, client, image, config, where, options, available(), advance)
    for line in report.lines:
        for text in line.render():
            click.echo(text)
    if table:
        from runner.quality.table import markdown_table

        click.echo("\n" + markdown_table(report))
    verdict = "PASSED" if report.passed else "FAILED"
    click.echo(f"{verdict}: {challenge.config.id} in {report.seconds:g}s; reports in {where}")
    if not report.passed:
        raise SystemExit(EXIT_EXPECTED)
