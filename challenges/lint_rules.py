"""Which ruff rule selectors exist, asked of the ruff the lint grader runs.

A selector ruff does not know makes every lint measurement of a cohort fail; ruff's rule set
changes between releases, so the loader asks ruff itself (``ruff check --select X`` on an empty
file) instead of keeping a copy of the list. Answers are cached for the process.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Sequence

RUFF_TIMEOUT = 30.0


def ruff_binary() -> str:
    """The ruff executable installed with the grader, else the one on ``PATH``."""
    try:
        from ruff import find_ruff_bin  # type: ignore[import-untyped, unused-ignore]

        found: str = find_ruff_bin()
        return found
    except (ImportError, FileNotFoundError):
        pass
    on_path = shutil.which("ruff")
    if on_path is None:
        raise RuntimeError("ruff is not installed: the lint grader cannot run")
    return on_path


@functools.cache
def _accepted(selectors: tuple[str, ...]) -> bool:
    """Whether ruff accepts all of ``selectors`` (exit 0 on an empty file; 2 on an unknown
    selector). Raises RuntimeError when ruff cannot be asked."""
    command = [
        ruff_binary(), "check", "--isolated", "--no-cache", "--exit-zero",
        f"--select={','.join(selectors)}", "--stdin-filename=empty.py", "-",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command, input=b"", capture_output=True, timeout=RUFF_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"ruff could not be asked which rules exist: {error}") from None
    return done.returncode == 0


def unknown_selectors(selectors: Sequence[str]) -> list[str]:
    """The selectors ruff does not know, in the given order; one ruff call when all are known.

    Raises RuntimeError when ruff cannot run."""
    if not selectors or _accepted(tuple(sorted(set(selectors)))):
        return []
    return [selector for selector in selectors if not _accepted((selector,))]
