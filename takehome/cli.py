"""The ``takehome`` command: the group, its subcommands, and the one error boundary."""

from __future__ import annotations

import click

from takehome.commands import admin, grading, queueing, reviewing, web
from takehome.errors import run_guarded


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="takehome")
def cli() -> None:
    """Grade take-home coding challenges: hidden tests in a locked-down container, a partial
    scorecard for human reviewers."""


@cli.group("challenge")
def challenge_group() -> None:
    """Validate and check challenges."""


challenge_group.add_command(admin.validate_command)
challenge_group.add_command(grading.check_command)
for command in (
    grading.grade_command, grading.batch_command, grading.regrade_command,
    reviewing.review_command, reviewing.scorecard_group, reviewing.feedback_command,
    admin.images_group, admin.export_group, admin.gc_command, admin.schema_command,
    web.serve_command, web.invite_command,
    queueing.worker_command,
):  # fmt: skip
    cli.add_command(command)


def main() -> None:
    """Console entry point: the CLI behind the one error boundary."""
    raise SystemExit(run_guarded(lambda: cli.main(prog_name="takehome", standalone_mode=False)))
