"""Regrading: one recorded scorecard's commit graded again, and what changed, row by row."""

from __future__ import annotations

from pathlib import Path

import click

from takehome.options import challenge_option, out_dir_option, scorecard_argument


@click.command("regrade")
@scorecard_argument
@challenge_option("Challenge to grade against (default: the bundled one the scorecard names).",
                  required=False)  # fmt: skip
@out_dir_option("out-regrade", "Where the new reports go.")
def regrade_command(scorecard_path: Path, challenge_ref: str | None, out_dir: Path) -> None:
    """Grade SCORECARD's commit again and print what changed, row by row."""
    from runner.regrade import recorded_scorecard, regrade
    from takehome import wiring
    from takehome.settings import load_settings

    settings = load_settings()
    recorded = recorded_scorecard(scorecard_path)
    challenge = wiring.challenge(challenge_ref or recorded.challenge.id)
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    result = regrade(scorecard_path, challenge, client, image, config, out_dir)
    if not result.changes:
        click.echo(f"{recorded.submission.id}: reproduced, nothing changed")
    for line in result.changes:
        click.echo(f"{recorded.submission.id}: {line}")
