"""The handout as a template git repository: the files of ``challenges.handout`` in one commit.

The commit is made by the real git binary with no user or system configuration read, no hooks
and no signing, by author and committer "takehome" at a fixed date: the same handout gives the
same commit id on every machine. Candidates clone it (or use it as a template on their host)
and commit on top, so that their history starts from exactly what they were given.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from challenges.handout import (
    HandoutError,
    HandoutFile,
    check_target,
    handout_files,
    write_directory,
    write_zip,
)

AUTHOR = "takehome"
EMAIL = "takehome@localhost"
DATE = "2000-01-01T00:00:00+0000"
BRANCH = "main"
GIT_TIMEOUT = 120.0
GIT_OPTIONS = (
    *("-c", "core.hooksPath=/dev/null"),
    *("-c", "commit.gpgSign=false"),
    *("-c", f"init.defaultBranch={BRANCH}"),
    *("-c", "core.autocrlf=false"),
    *("-c", "core.fileMode=true"),
)


def _environment(home: str) -> dict[str, str]:
    keep = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL") if name in os.environ}
    return {
        **keep,
        "HOME": home,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": AUTHOR,
        "GIT_AUTHOR_EMAIL": EMAIL,
        "GIT_AUTHOR_DATE": DATE,
        "GIT_COMMITTER_NAME": AUTHOR,
        "GIT_COMMITTER_EMAIL": EMAIL,
        "GIT_COMMITTER_DATE": DATE,
    }


def _git(args: list[str], where: Path, env: dict[str, str], given: str | None = None) -> None:
    try:
        done = subprocess.run(
            ["git", "--literal-pathspecs", *GIT_OPTIONS, *args], cwd=where, env=env,
            input=given or "", capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HandoutError(f"{where}: git {args[0]} could not run: {error}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"git exited with {done.returncode}"
        raise HandoutError(f"{where}: git {args[0]} failed: {reason.removeprefix('fatal: ')}")


def write_git_template(
    files: Sequence[HandoutFile], out: Path, message: str, force: bool = False
) -> str:
    """Write ``files`` into ``out`` and commit them there as one commit; return its id.

    ``out`` must not exist or be an empty directory (``force``: a non-empty directory that is
    not yet a git repository is written into; only the handout's files are committed)."""
    check_target(out, force)
    if (out / ".git").exists():
        raise HandoutError(f"{out / '.git'}: already a git repository: choose a new directory")
    write_directory(files, out, force=True)
    with tempfile.TemporaryDirectory(prefix="takehome-git-home-") as home:
        env = _environment(home)
        _git(["init", "--quiet"], out, env)
        paths = "".join(f"{entry.path}\0" for entry in files)
        _git(["add", "--force", "--pathspec-from-file=-", "--pathspec-file-nul"], out, env, paths)
        _git(["commit", "--quiet", "--no-verify", "-m", message], out, env)
        try:
            head = subprocess.run(
                ["git", *GIT_OPTIONS, "rev-parse", "HEAD"], cwd=out, env=env, text=True,
                capture_output=True, timeout=GIT_TIMEOUT, check=True,
            ).stdout.strip()  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            raise HandoutError(f"{out}: git rev-parse could not run: {error}") from None
    return head


def write_handout(
    root: Path, suite_dir: str, slug: str, message: str, out: Path, git: bool, force: bool
) -> str:
    """The handout of the challenge in ``root`` written to ``out``: a template git repository
    (``git``), a zip (``out`` ends in ``.zip``) or a directory; a line saying what was written."""
    files = handout_files(root, suite_dir)
    if git:
        head = write_git_template(files, out, message, force)
        return f"{out}: a git repository of {len(files)} files, commit {head}"
    if out.suffix.lower() == ".zip":
        write_zip(files, out, slug, force)
        return f"{out}: a zip of {len(files)} files"
    write_directory(files, out, force)
    return f"{out}: {len(files)} files"
