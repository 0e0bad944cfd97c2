"""The ``takehome`` command: the group, its subcommands, and the one error boundary.

Subcommands are imported when they run, not when the group is built: ``takehome --version``
and a CI job's one-shot ``grade`` do not pay for the web server, the store or the queue. The
table below is the one list of commands; ``--help`` imports them all to show their help.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
import threading
from typing import NoReturn

import click

from takehome.errors import run_guarded

COMMANDS = {
    "grade": "takehome.commands.grading:grade_command",
    "batch": "takehome.commands.grading:batch_command",
    "regrade": "takehome.commands.regrading:regrade_command",
    "review": "takehome.commands.reviewing:review_command",
    "reviewer": "takehome.commands.reviewers:reviewer_group",
    "scorecard": "takehome.commands.reviewing:scorecard_group",
    "feedback": "takehome.commands.reviewing:feedback_command",
    "images": "takehome.commands.admin:images_group",
    "export": "takehome.commands.admin:export_group",
    "gc": "takehome.commands.admin:gc_command",
    "schema": "takehome.commands.admin:schema_command",
    "serve": "takehome.commands.web:serve_command",
    "invite": "takehome.commands.web:invite_command",
    "worker": "takehome.commands.queueing:worker_command",
    "calibrate": "takehome.commands.calibrate:calibrate_command",
    "similarity": "takehome.commands.similarity:similarity_command",
}
CHALLENGE_COMMANDS = {
    "validate": "takehome.commands.admin:validate_command",
    "check": "takehome.commands.grading:check_command",
    "handout": "takehome.commands.challenges:handout_command",
    "new": "takehome.commands.challenges:new_command",
}


class LazyGroup(click.Group):
    """A group whose subcommands are ``module:attribute`` names, imported on first use."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="takehome")
def cli() -> None:
    """Grade take-home coding challenges: hidden tests in a locked-down container, a partial
    scorecard for human reviewers."""


@cli.group("challenge", cls=LazyGroup, lazy=CHALLENGE_COMMANDS)
def challenge_group() -> None:
    """Create, validate, check and hand out challenges."""


def main() -> None:
    """Console entry point: the CLI behind the one error boundary."""
    code = run_guarded(lambda: cli.main(prog_name="takehome", standalone_mode=False))
    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):  # fmt: skip
        raise SystemExit(code)  # Python's own exit waits for them
    _exit_without_teardown(code)


def _exit_without_teardown(code: int) -> NoReturn:
    """End the process as Python's exit would, less the teardown of every module and object
    one by one: after a grade, with a few hundred modules loaded, that teardown alone takes
    about 0.15 s, as long as writing the reports. The exit handlers still run (temporary
    files, logging), the standard streams are flushed, and the exit code is the same; every
    file the command wrote is closed already (its reports are written whole before it
    returns)."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, as Python ignores it
            stream.flush()
    os._exit(code)
