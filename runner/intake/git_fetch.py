"""Fetching one commit from a candidate's repository under a wall clock and a size cap.

A hostile server can trickle bytes forever or send gigabytes of blobs; git itself has no
limit for either, so the fetch runs as a child process watched from here: it is killed when
the time is up or when the objects it has written pass the cap, and the reason says which.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from graders.text import clean
from runner.errors import RepoRejected

POLL_SECONDS = 0.1
GIT_OPTIONS = (
    *("-c", "core.hooksPath=/dev/null"),
    *("-c", "protocol.file.allow=always"),
    *("-c", "http.followRedirects=false"),
    *("-c", "fetch.recurseSubmodules=false"),
)


def _size(directory: Path) -> int:
    total = 0
    for root, _, files in os.walk(directory):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:  # git renames temporary packs as it goes
                continue
    return total


def _reason(stderr: str, returncode: int) -> str:
    """git's own words, on one line: its ``fatal:`` line and the detail after it, cleaned of
    control characters (a remote's messages and ref names are the candidate's text)."""
    lines = [clean(line, 300).strip() for line in stderr.splitlines() if line.strip()]
    lines = [line for line in lines if line]
    fatal = [line for line in lines if line.startswith("fatal:")]
    reason = (fatal or lines or [f"git exited with {returncode}"])[0]
    reason = reason.removeprefix("fatal: ").rstrip(":")
    if lines and lines[-1] not in reason:
        reason += f" ({lines[-1]})"  # e.g. "unable to connect ... (errno=Connection refused)"
    return reason


def run_git(
    args: list[str], git_dir: Path, env: dict[str, str], timeout: float, max_bytes: int
) -> str:
    """Run ``git --git-dir=git_dir ARGS``; RepoRejected on failure, timeout or size overrun."""
    command = ["git", "--git-dir", str(git_dir), *GIT_OPTIONS, *args]
    started = time.monotonic()
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        encoding="utf-8",
        errors="replace",  # a candidate's file or ref names need not be UTF-8
        start_new_session=True,
    ) as process:
        problem = None
        while process.poll() is None:
            if time.monotonic() - started > timeout:
                problem = f"fetching took longer than {timeout:g}s"
            elif _size(git_dir) > max_bytes:
                problem = f"the repository is larger than {max_bytes // (1024 * 1024)} MB"
            if problem:
                os.killpg(process.pid, 9)
                process.communicate()
                raise RepoRejected(problem)
            time.sleep(POLL_SECONDS)
        stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RepoRejected(_reason(stderr, process.returncode))
    return stdout


def fetch_commit(
    location: str,
    ref: str | None,
    git_dir: Path,
    env: dict[str, str],
    timeout: float,
    max_bytes: int,
    depth: int = 1,
) -> str:
    """Fetch ``ref`` (default: the remote's HEAD) with up to ``depth`` commits of history;
    return its commit SHA."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(git_dir)], env=env, check=True)
    try:
        run_git(
            ["fetch", "--quiet", f"--depth={depth}", "--no-tags", "--no-recurse-submodules",
             "--end-of-options", location, ref or "HEAD"],
            git_dir, env, timeout, max_bytes,
        )  # fmt: skip
    except RepoRejected as error:
        if ref is None and "remote ref HEAD" in str(error):
            raise RepoRejected("the repository has no commits") from None
        raise
    return run_git(["rev-parse", "FETCH_HEAD^{commit}"], git_dir, env, 30, max_bytes).strip()


def remote_head(
    location: str, ref: str | None, scratch: Path, env: dict[str, str], timeout: float
) -> str | None:
    """The commit ``ref`` (default HEAD) points to on the remote, without fetching objects;
    None when ``ref`` is not a branch or tag there (a commit SHA, say)."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(scratch)], env=env, check=True)
    wanted = ref or "HEAD"
    command = ["ls-remote", "--end-of-options", location, wanted]
    listing = run_git(command, scratch, env, timeout, max_bytes=64 * 1024 * 1024)
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        if name in {wanted, f"refs/heads/{wanted}", f"refs/tags/{wanted}^{{}}"}:
            return sha
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        if name == f"refs/tags/{wanted}":
            return sha
    return None
