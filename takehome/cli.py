"""The ``takehome`` command: each subcommand parses its arguments and calls one library function."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from challenges.roster import load_roster
from reports.candidate import candidate_view
from reports.cohort import write_index
from reports.exports import cohort_csv, gradescope_results
from reports.render import write_text_atomically
from reports.review import ReviewError, build_review, finalize, load_ratings, submit_review
from reports.scorecard import Recommendation, Scorecard, load_scorecard
from runner.base_image import ensure_base_image
from runner.batch import default_slots
from runner.check import check_samples, tests_percent
from runner.cohort import grade_cohort, plan_cohort
from runner.engine import connect
from runner.pipeline import GradeRequest, grade
from runner.reaper import reap
from runner.regrade import regrade
from takehome import wiring
from takehome.batch_view import progress_bar, summary_table
from takehome.errors import EXIT_EXPECTED, run_guarded
from takehome.prompts import prompt_ratings
from takehome.schemas import SCHEMAS, schema_json
from takehome.settings import load_settings

UNGRADED = {"repo_rejected", "infra_error"}
DATE_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]


def _utc(moment: datetime | None) -> datetime | None:
    """A time from the command line; without an offset it is taken as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="takehome")
def cli() -> None:
    """Grade take-home coding challenges: hidden tests in a locked-down container, a partial
    scorecard for human reviewers."""


@cli.command("grade")
@click.argument("submission")
@click.option(
    "--challenge",
    "challenge_ref",
    required=True,
    metavar="SLUG_OR_DIR",
    help="Bundled challenge slug or a challenge directory.",
)
@click.option(
    "--ref", default=None, help="Branch, tag or commit SHA (default: the default branch head)."
)
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Reports go to OUT/<submission-id>/.",
)
@click.option(
    "--id", "submission_id", default=None, help="Submission id (default: from the path or URL)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the scorecard JSON instead of a summary."
)
@click.option(
    "--blind/--no-blind",
    default=None,
    help="Remove the candidate's identity from the reports (default: TAKEHOME_BLIND).",
)
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
    submission: str,
    challenge_ref: str,
    ref: str | None,
    out_dir: Path,
    submission_id: str | None,
    as_json: bool,
    blind: bool | None,
    started_at: datetime | None,
    deadline: datetime | None,
) -> None:
    """Grade SUBMISSION (a directory, a git repository or a git URL) and write its reports.

    Exits 0 when the submission was graded, whatever its score; 1 when it could not be
    (rejected repository, infra error, bad input).
    """
    settings = load_settings()
    challenge = wiring.challenge(challenge_ref)
    client, image = wiring.engine_and_image(settings, challenge)
    request = GradeRequest(
        source=submission, challenge=challenge, ref=ref, submission_id=submission_id,
        window_start=_utc(started_at), deadline=_utc(deadline),
    )  # fmt: skip
    graded = grade(request, client, image, wiring.pipeline_config(settings, challenge, blind),
                   out_dir)  # fmt: skip
    card = graded.scorecard
    where = graded.reports["report.html"].parent
    if card.outcome.value in UNGRADED:
        click.echo(f"error: {card.reason} (record in {where})", err=True)
        raise SystemExit(EXIT_EXPECTED)
    if as_json:
        click.echo(card.model_dump_json(indent=2))
    else:
        click.echo(summary_line(card, where))


def summary_line(card: Scorecard, where: Path) -> str:
    """``id: outcome (reason); tests p/t; points; status -> reports``."""
    score = f"{card.auto_score:g}/{card.auto_max_score:g} auto points"
    return (
        f"{card.submission.id}: {card.outcome.value} ({card.reason}); "
        f"tests {card.tests.passed}/{card.tests.total}; {score}; {card.status.value} -> {where}"
    )


@cli.command("batch")
@click.argument("roster_path", metavar="ROSTER", type=click.Path(path_type=Path))
@click.option(
    "--challenge",
    "challenge_ref",
    required=True,
    metavar="SLUG_OR_DIR",
    help="Bundled challenge slug or a challenge directory.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel slots (default: cores divided by the challenge's CPU quota).",
)
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Reports go to OUT/<alias>/, the cohort index to OUT/index.html.",
)
@click.option(
    "--blind/--no-blind",
    default=None,
    help="Remove the candidates' identity from the reports (default: TAKEHOME_BLIND).",
)
def batch_command(
    roster_path: Path, challenge_ref: str, jobs: int | None, out_dir: Path, blind: bool | None
) -> None:
    """Grade every submission of a roster (CSV or YAML: alias, repo, ref, invited_at,
    deadline) in parallel; run again, it grades only what is missing or changed."""
    settings = load_settings()
    entries = load_roster(roster_path)
    challenge = wiring.challenge(challenge_ref)
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge, blind)
    plan = plan_cohort(entries, challenge, image, config, out_dir)
    console = Console(stderr=True)
    with progress_bar(console, len(plan.to_grade)) as advance:
        cards = grade_cohort(plan, client, image, config, out_dir,
                             jobs or default_slots(challenge), advance)  # fmt: skip
    Console().print(summary_table(cards, len(plan.kept)))
    index = write_index(cards, challenge.config.title, out_dir)
    click.echo(f"cohort index: {index}")


@cli.group("challenge")
def challenge_group() -> None:
    """Validate and check challenges."""


@challenge_group.command("validate")
@click.argument("challenge_ref", metavar="SLUG_OR_DIR")
def validate_command(challenge_ref: str) -> None:
    """Load a challenge and check its files, rubric and hidden suite; print what was found."""
    challenge = wiring.challenge(challenge_ref)
    groups = ", ".join(f"{gid} ({len(cases)})" for gid, cases in challenge.groups.items())
    click.echo(
        f"{challenge.config.id} {challenge.config.version}: ok — {len(challenge.tests)} tests "
        f"(tripwire {challenge.tripwire}); groups: {groups}; "
        f"{len(challenge.rubric.human)} human rows; {challenge.rubric.total_points:g} points"
    )


@challenge_group.command("check")
@click.argument("challenge_ref", metavar="SLUG_OR_DIR")
@click.option(
    "--out",
    "out_dir",
    default="out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the reports go.",
)
def check_command(challenge_ref: str, out_dir: Path) -> None:
    """Grade the challenge's solution, starter and samples; fail if any misses its expectation."""
    settings = load_settings()
    challenge = wiring.challenge(challenge_ref)
    client, image = wiring.engine_and_image(settings, challenge)
    checks = check_samples(
        challenge,
        client,
        image,
        wiring.pipeline_config(settings, challenge),
        out_dir / challenge.config.id,
    )
    for check in checks:
        verdict = "ok  " if check.ok else "FAIL"
        percent = tests_percent(check.scorecard)
        shown = "—" if percent is None else f"{percent:g}%"
        problems = f"  ({'; '.join(check.problems)})" if check.problems else ""
        click.echo(
            f"{verdict} {check.sample.name:<16} {check.scorecard.outcome.value:<14} "
            f"tests {shown:>7}{problems}"
        )
    click.echo(f"reports in {out_dir / challenge.config.id}")
    if not all(check.ok for check in checks):
        raise SystemExit(EXIT_EXPECTED)


@cli.group("images")
def images_group() -> None:
    """Manage the base image and the per-challenge run images."""


@images_group.command("build")
@click.option(
    "--challenge",
    "challenge_refs",
    multiple=True,
    metavar="SLUG_OR_DIR",
    help="Also build this challenge's run image (repeatable).",
)
def images_build_command(challenge_refs: tuple[str, ...]) -> None:
    """Make sure the base image exists (pull, or debootstrap on Debian as root) and build
    run images."""
    settings = load_settings()
    client = connect(settings.docker_timeout)
    base_id = ensure_base_image(client, settings.base_image)
    click.echo(f"base image {settings.base_image}: {base_id}")
    for ref in challenge_refs:
        _, image = wiring.engine_and_image(settings, wiring.challenge(ref))
        click.echo(f"run image {image.tag}: {image.id}")


@cli.command("review")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option("--reviewer", required=True, help="Your name, as stored with your ratings.")
def review_command(scorecard_path: Path, reviewer: str) -> None:
    """Rate the human rows of SCORECARD in the terminal: question, anchors, evidence, then a
    level (or checklist items) and a justification for each row."""
    card = load_scorecard(scorecard_path)
    ratings = prompt_ratings(card)
    stored = submit_review(scorecard_path, build_review(card, reviewer, ratings, "your ratings"))
    click.echo(f"ratings of {reviewer} stored in {stored}")


@cli.group("scorecard")
def scorecard_group() -> None:
    """Complete and finalize scorecards."""


@scorecard_group.command("complete")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option("--reviewer", required=True, help="Your name, as stored with your ratings.")
@click.option(
    "--ratings",
    "ratings_path",
    required=True,
    type=click.Path(path_type=Path),
    help="YAML or JSON: {ratings: {ROW: {level: N, justification: TEXT}}}.",
)
def complete_command(scorecard_path: Path, reviewer: str, ratings_path: Path) -> None:
    """Store one reviewer's ratings of SCORECARD from a file."""
    card = load_scorecard(scorecard_path)
    ratings = load_ratings(ratings_path)
    if ratings.reviewer not in (None, reviewer):
        raise ReviewError(f"{ratings_path}: reviewer: the file is {ratings.reviewer!r}'s, "
                          f"not {reviewer!r}'s")  # fmt: skip
    review = build_review(card, reviewer, ratings.ratings, str(ratings_path))
    stored = submit_review(scorecard_path, review)
    click.echo(f"ratings of {reviewer} stored in {stored}")


@scorecard_group.command("finalize")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option(
    "--recommendation",
    required=True,
    type=click.Choice([r.value for r in Recommendation]),
    help="Overall recommendation.",
)
@click.option("--reason", required=True, help="Why, in a sentence.")
@click.option("--by", "decided_by", required=True, help="Who decides (the hiring manager).")
def finalize_command(
    scorecard_path: Path, recommendation: str, reason: str, decided_by: str
) -> None:
    """Merge the stored reviews (median level per row), flag disagreements of two levels or
    more, total the score, record the recommendation and mark the scorecard complete."""
    card = finalize(scorecard_path, Recommendation(recommendation), reason, decided_by)
    decision = card.decision
    assert decision is not None
    click.echo(
        f"{card.submission.id}: complete, {card.score:g}/{card.max_score:g} points, "
        f"{decision.recommendation.value}; {len(card.reviews)} review(s), "
        f"{len(decision.disagreements)} disagreement(s) to debrief"
    )


@cli.command("regrade")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option(
    "--challenge",
    "challenge_ref",
    default=None,
    metavar="SLUG_OR_DIR",
    help="Challenge to grade against (default: the bundled one the scorecard names).",
)
@click.option(
    "--out",
    "out_dir",
    default="out-regrade",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the new reports go.",
)
def regrade_command(scorecard_path: Path, challenge_ref: str | None, out_dir: Path) -> None:
    """Grade SCORECARD's commit again and print what changed, row by row."""
    settings = load_settings()
    recorded = load_scorecard(scorecard_path)
    challenge = wiring.challenge(challenge_ref or recorded.challenge.id)
    client, image = wiring.engine_and_image(settings, challenge)
    result = regrade(scorecard_path, challenge, client, image,
                     wiring.pipeline_config(settings, challenge), out_dir)  # fmt: skip
    if not result.changes:
        click.echo(f"{recorded.submission.id}: reproduced, nothing changed")
    for line in result.changes:
        click.echo(f"{recorded.submission.id}: {line}")


@cli.group("export")
def export_group() -> None:
    """Export scorecards to other tools."""


@export_group.command("gradescope")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option(
    "--challenge",
    "challenge_ref",
    required=True,
    metavar="SLUG_OR_DIR",
    help="The challenge the scorecard belongs to.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write results.json here instead of printing it.",
)
def export_gradescope_command(
    scorecard_path: Path, challenge_ref: str, out_path: Path | None
) -> None:
    """Gradescope autograder results.json of SCORECARD (hidden tests stay hidden)."""
    results = gradescope_results(load_scorecard(scorecard_path), wiring.challenge(challenge_ref))
    _emit(json.dumps(results, indent=2) + "\n", out_path)


@export_group.command("csv")
@click.argument(
    "scorecard_paths",
    metavar="SCORECARD...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV here instead of printing it.",
)
def export_csv_command(scorecard_paths: tuple[Path, ...], out_path: Path | None) -> None:
    """One CSV row per scorecard, one column per rubric row."""
    _emit(cohort_csv([load_scorecard(path) for path in scorecard_paths]), out_path)


def _emit(text: str, out_path: Path | None) -> None:
    if out_path is None:
        click.echo(text, nl=False)
    else:
        write_text_atomically(out_path, text)
        click.echo(f"wrote {out_path}")


@cli.command("feedback")
@click.argument("scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path))
@click.option(
    "--challenge",
    "challenge_ref",
    required=True,
    metavar="SLUG_OR_DIR",
    help="The challenge the scorecard belongs to (its feedback policy applies).",
)
def feedback_command(scorecard_path: Path, challenge_ref: str) -> None:
    """Print what the candidate may see of SCORECARD under the challenge's feedback policy."""
    view = candidate_view(load_scorecard(scorecard_path), wiring.challenge(challenge_ref))
    click.echo(view.model_dump_json(indent=2))


@cli.command("gc")
def gc_command() -> None:
    """Remove run containers left behind by runs that are no longer alive."""
    removed = reap(connect(load_settings().docker_timeout))
    click.echo(
        f"removed {len(removed)} leftover container(s)" + "".join(f"\n  {n}" for n in removed)
    )


@cli.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
def schema_command(name: str) -> None:
    """Print the JSON Schema of a file format (scorecard, challenge, rubric, sample)."""
    click.echo(schema_json(name), nl=False)


def main() -> None:
    """Console entry point: the CLI behind the one error boundary."""
    raise SystemExit(run_guarded(lambda: cli.main(prog_name="takehome")))
