"""Challenges, images, exports, schemas and the reaper."""

from __future__ import annotations

import json
from pathlib import Path

import click

from challenges.load import Challenge
from challenges.validate import validate_challenge
from graders.registry import available
from reports.render.exports import cohort_csv, gradescope_results, left_out, write_export
from reports.scorecard import load_scorecard
from runner.errors import InfraError
from runner.sandbox.base_image import ensure_base_image
from runner.sandbox.engine import connect
from runner.sandbox.image_inventory import difference
from runner.sandbox.reaper import reap
from runner.sandbox.run_images import graded_challenge
from takehome import wiring
from takehome.card_challenge import challenge_of
from takehome.options import challenge_option, out_file_option, scorecard_argument
from takehome.schemas import SCHEMAS, schema_json
from takehome.settings import load_settings


@click.command("validate")
@click.argument("challenge_ref", metavar="SLUG_OR_DIR")
@click.option("--static", is_flag=True,
              help="Read the suite's syntax only; do not build the run image, where pytest "
                   "collects the suite against the reference solution.")  # fmt: skip
def validate_command(challenge_ref: str, static: bool) -> None:
    """Load a challenge and check its files, rubric, hidden suite, spec, starter, solution and
    samples; then, when a Docker engine answers, collect the suite with pytest in the run
    image, which is the list grading uses. List every problem, or print what was found."""
    challenge, collected = validate_challenge(challenge_ref, available()), ""
    if not static:
        challenge, collected = _as_collected(challenge)
    groups = ", ".join(f"{gid} ({len(cases)})" for gid, cases in challenge.groups.items())
    click.echo(
        f"{challenge.config.id} {challenge.config.version}: ok — {len(challenge.tests)} tests "
        f"(tripwire {challenge.tripwire}); groups: {groups}; "
        f"{len(challenge.rubric.human)} human rows; {challenge.rubric.total_points:g} points"
    )
    if collected:
        click.echo(collected)


def _as_collected(challenge: Challenge) -> tuple[Challenge, str]:
    """The challenge as pytest collects it in the run image, and how that differs from the
    syntax reading (or why it was not checked); a suite that cannot be collected against
    the reference, or a rubric that does not fit what is, is an error."""
    try:
        _, image = wiring.engine_and_image(load_settings(), challenge)
    except InfraError as error:
        return challenge, f"not checked with pytest: {error}"
    return graded_challenge(challenge, image), difference(challenge.tests, image.inventory)


@click.group("images")
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
    click.echo(f"base image {settings.base_image}: "
               f"{ensure_base_image(client, settings.base_image)}")  # fmt: skip
    for ref in challenge_refs:
        _, image = wiring.engine_and_image(settings, wiring.challenge(ref))
        click.echo(f"run image {image.tag}: {image.id}")


@click.group("export")
def export_group() -> None:
    """Export scorecards to other tools."""


def _emit(text: str, out_path: Path | None) -> None:
    if out_path is None:
        click.echo(text, nl=False)
    else:
        write_export(out_path, text)
        click.echo(f"wrote {out_path}")


@export_group.command("gradescope")
@scorecard_argument
@challenge_option("The challenge the scorecard belongs to (default: the bundled challenge "
                  "the scorecard names).", required=False)  # fmt: skip
@out_file_option("Write results.json here instead of printing it.")
def export_gradescope_command(
    scorecard_path: Path, challenge_ref: str | None, out_path: Path | None
) -> None:
    """Gradescope autograder results.json of SCORECARD: every rubric row (hidden tests stay
    hidden); the human rows of a partial scorecard are left out, and named on stderr."""
    card = load_scorecard(scorecard_path)
    results = gradescope_results(card, challenge_of(card, challenge_ref, scorecard_path))
    _emit(json.dumps(results, indent=2) + "\n", out_path)
    if missing := left_out(card):
        click.echo(f"{scorecard_path}: left out of the export, not yet rated: "
                   f"{', '.join(row.id for row in missing)} (score {results['score']:g} is the "
                   "automatic part only)", err=True)  # fmt: skip


@export_group.command("csv")
@click.argument(
    "scorecard_paths",
    metavar="SCORECARD...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path),
)
@out_file_option("Write the CSV here instead of printing it.")
def export_csv_command(scorecard_paths: tuple[Path, ...], out_path: Path | None) -> None:
    """One CSV row per scorecard, one column per rubric row."""
    _emit(cohort_csv([load_scorecard(path) for path in scorecard_paths]), out_path)


@click.command("gc")
def gc_command() -> None:
    """Remove run containers left behind by runs that are no longer alive."""
    removed = reap(connect(load_settings().docker_timeout))
    listed = "".join(f"\n  {name}" for name in removed)
    click.echo(f"removed {len(removed)} leftover container(s){listed}")


@click.command("schema")
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
def schema_command(name: str) -> None:
    """Print the JSON Schema of a file format (scorecard, challenge, rubric, sample)."""
    click.echo(schema_json(name), nl=False)
