"""Authoring challenges: ``challenge new`` scaffolds one, ``challenge handout`` writes what a
candidate receives."""

from __future__ import annotations

from pathlib import Path

import click

from challenges.base_error import TakehomeError


class UsageProblem(TakehomeError):
    """The command's options do not go together."""


@click.command("handout")
@click.argument("challenge_ref", metavar="SLUG_OR_DIR")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="A directory to write, or FILE.zip for a zip.")  # fmt: skip
@click.option("--git", "git_dir", type=click.Path(path_type=Path), default=None,
              help="A new template git repository (one commit by 'takehome').")  # fmt: skip
@click.option("--force", is_flag=True, help="Write into a non-empty directory or over a zip.")
def handout_command(challenge_ref: str, out: Path | None, git_dir: Path | None,
                    force: bool) -> None:  # fmt: skip
    """Write what a candidate receives: spec.md, the starter and the files of handout/
    (never the hidden suite, the solution, the samples or the rubric)."""
    from challenges.load import load_challenge
    from graders.registry import available
    from runner.handout import write_handout

    if (out is None) == (git_dir is None):
        raise UsageProblem("challenge handout: give one of --out DIR|FILE.zip or --git DIR")
    challenge = load_challenge(challenge_ref, available())
    config = challenge.config
    target = git_dir if git_dir is not None else out
    assert target is not None
    message = f"{config.title} ({config.id} {config.version}): the handout"
    click.echo(write_handout(challenge.root, config.tests.dir, config.id, message, target,
                             git=git_dir is not None, force=force))  # fmt: skip


@click.command("new")
@click.argument("slug")
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path),
              default=Path(), help="Where to create SLUG/ (default: here).")  # fmt: skip
def new_command(slug: str, parent: Path) -> None:
    """Create a new challenge SLUG/ that passes `challenge validate` and `challenge check` as
    created: settings, rubric, spec, starter, handout, solution, hidden suite, one sample."""
    from challenges.scaffold import new_challenge

    root = new_challenge(slug, parent)
    click.echo(f"{root}: new challenge {slug}; next: takehome challenge validate {root}")
