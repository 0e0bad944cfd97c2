"""Options and arguments several commands share, declared once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

DATE_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

scorecard_argument: Decorator = click.argument(
    "scorecard_path", metavar="SCORECARD", type=click.Path(path_type=Path)
)
blind_option: Decorator = click.option(
    "--blind/--no-blind",
    default=None,
    help="Remove the candidate's identity from the reports (default: TAKEHOME_BLIND).",
)


def _checked_id(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """``--id`` becomes ``OUT/<id>/``: checked before anything runs (``challenges.roster.
    check_id`` raises a TakehomeError, so the boundary prints one line and exits 1)."""
    if value is None:
        return None
    from challenges.roster import check_id  # the roster's models only when an id is given

    return check_id(value, "--id")


id_option: Decorator = click.option(
    "--id",
    "submission_id",
    default=None,
    callback=_checked_id,
    help="Submission id, the report folder: letters, digits, '.', '_', '-' (default: from "
    "the path).",
)


def challenge_option(help_text: str, required: bool = True) -> Decorator:
    extra: dict[str, Any] = {} if required else {"default": None}
    return click.option(
        "--challenge", "challenge_ref", required=required, metavar="SLUG_OR_DIR",
        help=help_text, **extra,
    )  # fmt: skip


def out_dir_option(default: str, help_text: str) -> Decorator:
    return click.option(
        "--out", "out_dir", default=default, show_default=True,
        type=click.Path(file_okay=False, path_type=Path), help=help_text,
    )  # fmt: skip


def out_file_option(help_text: str) -> Decorator:
    return click.option(
        "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


def utc(moment: datetime | None) -> datetime | None:
    """A time from the command line; without an offset it is taken as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def not_empty(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An empty SUBMISSION would be the current directory, graded (and copied) by accident."""
    if not value.strip():
        raise click.BadParameter("is empty: give a directory, a repository path or an https URL")
    return value
