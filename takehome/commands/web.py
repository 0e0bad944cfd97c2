"""The web surfaces: ``serve`` runs the webhook and the candidate portal, ``invite`` makes a
candidate's link."""

from __future__ import annotations

import math
from pathlib import Path

import click

from takehome.options import challenge_option, out_dir_option
from takehome.settings import load_settings
from takehome.web import serve


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port to listen on.")  # fmt: skip
@out_dir_option("out", "Reports of web submissions go to OUT/<alias>/.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Submissions graded at once (threads of this process).")  # fmt: skip
def serve_command(host: str, port: int, out_dir: Path, jobs: int) -> None:
    """Serve the GitHub push webhook (POST /hooks/github) and the candidate portal
    (/invite/<token>), grading submissions in this process.

    Settings: TAKEHOME_DATABASE_URL, TAKEHOME_WEBHOOK_SECRET, TAKEHOME_PORTAL_SECRET,
    TAKEHOME_ROSTER and TAKEHOME_ROSTER_CHALLENGE, TAKEHOME_PUBLIC_URL.
    """
    serve.serve(load_settings(), host, port, out_dir, jobs)


MAX_HOURS = 366 * 24
"""An invitation is valid for a year at most (a challenge's window is at most 366 days)."""


def _hours(_context: click.Context, _parameter: click.Parameter, value: float) -> float:
    """Finite, above zero, a year at most: ``inf`` or ``1e300`` is no deadline a date can
    hold, and ``nan`` passes every comparison click's FloatRange makes."""
    if not (math.isfinite(value) and 0 < value <= MAX_HOURS):
        raise click.BadParameter(f"{value:g}: give more than 0 and at most {MAX_HOURS} hours "
                                 "(a year)")  # fmt: skip
    return value


@click.command("invite")
@challenge_option("Bundled challenge slug or a challenge directory.")
@click.option("--candidate", "alias", required=True, metavar="ALIAS", help="Candidate alias.")
@click.option(
    "--hours", type=float, callback=_hours, default=168.0, show_default=True,
    help=f"How long the link stays valid (the hard deadline), {MAX_HOURS} at most.",
)  # fmt: skip
def invite_command(challenge_ref: str, alias: str, hours: float) -> None:
    """Create an invitation and print its link (TAKEHOME_PUBLIC_URL/invite/<token>).

    The candidate's time window starts when they first open it."""
    click.echo(serve.invite(load_settings(), challenge_ref, alias, hours))
