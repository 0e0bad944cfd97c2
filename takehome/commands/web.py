"""The web surfaces: ``serve`` runs the webhook and the candidate portal, ``invite`` makes a
candidate's link."""

from __future__ import annotations

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


@click.command("invite")
@challenge_option("Bundled challenge slug or a challenge directory.")
@click.option("--candidate", "alias", required=True, metavar="ALIAS", help="Candidate alias.")
@click.option(
    "--hours", type=click.FloatRange(min=0, min_open=True), default=168.0, show_default=True,
    help="How long the link stays valid (the hard deadline).",
)  # fmt: skip
def invite_command(challenge_ref: str, alias: str, hours: float) -> None:
    """Create an invitation and print its link (TAKEHOME_PUBLIC_URL/invite/<token>).

    The candidate's time window starts when they first open it."""
    click.echo(serve.invite(load_settings(), challenge_ref, alias, hours))
