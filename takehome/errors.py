"""The one error boundary: expected problems become one line and exit 1, the rest exit 3.

Usage errors are click's (exit 2). An unexpected exception is a bug: its traceback goes to a
log file whose path is printed, so the user sees one line and a maintainer gets everything.
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable

import click

from challenges.base_error import TakehomeError

EXIT_EXPECTED = 1
EXIT_UNEXPECTED = 3
EXIT_INTERRUPTED = 130


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_guarded(entry: Callable[[], object]) -> int:
    """Call ``entry`` (a click command's ``main`` with ``standalone_mode=False``) and turn
    failures into exit codes: usage errors are click's own (2), Ctrl-C is 130."""
    try:
        returned = entry()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except TakehomeError as error:
        click.echo(f"error: {_one_line(str(error))}", err=True)
        return EXIT_EXPECTED
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as error:  # the boundary: anything else is a bug, logged in full
        with tempfile.NamedTemporaryFile(
            "w", prefix="takehome-crash-", suffix=".log", delete=False
        ) as log:
            traceback.print_exc(file=log)
        click.echo(
            f"internal error: {error.__class__.__name__}: {_one_line(str(error))[:200]} "
            f"(details in {log.name})",
            err=True,
        )
        return EXIT_UNEXPECTED
    # Without standalone mode, click returns the code of ctx.exit() (--help: 0), else None.
    return returned if isinstance(returned, int) and not isinstance(returned, bool) else 0
