"""Intake: a submission (local directory, local git repository or git URL) → an exported tree.

git runs with an empty configuration of ours, never the candidate's: the commit is fetched
into a fresh repository (so a candidate's ``.git/config`` filters, hooks and ``fsmonitor``
never run) and exported with ``git archive``; submodules and LFS objects are never fetched.

A local directory is a repository only when ``runner.intake.local_repo`` says so: a ``.git``
file or link is never followed, the directory is graded as plain files.
"""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graders.text import first_line
from runner.errors import RepoRejected
from runner.intake.git_fetch import fetch_commit, remote_head
from runner.intake.local_repo import POINTER_FLAG, refuse_borrowed, repository_kind
from runner.intake.safe_export import Caps, ExportStats, copy_directory, extract_tar, tree_hash
from runner.intake.tree_walk import Deadline, shown
from runner.intake.url_policy import UrlPolicy, check_url

NAMED = 5
"""Entries named one by one in a flag; the rest are only counted."""


@dataclass(frozen=True)
class IntakeOptions:
    policy: UrlPolicy
    allow_local: bool = True
    """Local paths are for staff (the CLI); candidate-facing entry points turn this off."""
    caps: Caps = field(default_factory=Caps)
    timeout: float = 120.0
    history_depth: int = 500
    """Commits fetched behind the head, for the history grader and the time window."""


Chooser = Callable[[Path, str], tuple[str, list[str]]]
"""Given the fetched repository and its head, the commit to grade and notes on the choice."""


@dataclass(frozen=True)
class Intake:
    tree: Path
    commit: str
    source: str
    ref: str | None
    flags: list[str]
    seconds: float
    git_dir: Path | None
    """Our bare copy of the fetched history (None for a plain directory)."""
    head: str
    """The fetched head (or the directory's content hash) before any choice of commit."""


def _git_env(home: Path, protocols: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "SSH_ASKPASS": "/bin/false",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ALLOW_PROTOCOL": protocols,
        "LC_ALL": "C",
    }


def _looks_like_url(source: str) -> bool:
    return "://" in source or "::" in source or source.startswith("git@")


def _export_flags(stats: ExportStats) -> list[str]:
    flags = [f"symlink leaving the tree was not exported: {shown(n)}" for n in stats.dropped_links]
    if stats.dropped_names:
        named = ", ".join(stats.dropped_names[:NAMED])
        more = (
            f" and {len(stats.dropped_names) - NAMED} more"
            if len(stats.dropped_names) > NAMED
            else ""
        )
        flags.append(
            f"{len(stats.dropped_names)} entries whose names hold control characters were "
            f"not exported: {named}{more}"
        )
    return flags


def _archive(
    scratch: Path, commit: str, tree: Path, env: dict[str, str], caps: Caps,
    deadline: Deadline, shown_source: str,
) -> ExportStats:  # fmt: skip
    """``git archive`` of ``commit`` extracted under ``tree``; a tree git refuses to archive
    (a ``..`` entry, an empty name) or an unreadable stream is a rejected repository."""
    command = ["git", "--git-dir", str(scratch), "-c", "core.attributesFile=/dev/null",
               "archive", "--format=tar", commit]  # fmt: skip
    unreadable: tarfile.TarError | None = None
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert process.stdout is not None
        try:
            stats = extract_tar(process.stdout, tree, caps, deadline)
            while process.stdout.read(65536):  # tar's trailing padding: else git dies of SIGPIPE
                pass
        except tarfile.TarError as error:
            unreadable, stats = error, ExportStats()
        finally:
            process.stdout.close()
            try:
                returncode = process.wait(timeout=max(deadline.at - time.monotonic(), 1.0))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                deadline.check()
                raise RepoRejected(f"git archive of {commit} did not finish") from None
        errors.seek(0)
        said = first_line(errors.read(64 * 1024).decode("utf-8", "replace"), 300)
    if returncode != 0:
        reason = said.removeprefix("fatal: ").removeprefix("error: ") or f"exit {returncode}"
        raise RepoRejected(f"{shown_source}: git refuses to archive commit {commit}: {reason}")
    if unreadable is not None:
        raise RepoRejected(f"{shown_source}: the archive of commit {commit} is unreadable")
    return stats


def _fetch_and_export(
    location: str,
    ref: str | None,
    work: Path,
    options: IntakeOptions,
    protocols: str,
    shown: str,
    choose: Chooser | None,
    deadline: Deadline,
) -> tuple[str, str, list[str]]:
    """(head fetched, commit exported, notes and flags)."""
    scratch = work / "git"
    home = work / "home"
    home.mkdir(parents=True)
    env = _git_env(home, protocols)
    try:
        commit = fetch_commit(
            location, ref, scratch, env, options.timeout, options.caps.max_bytes,
            depth=options.history_depth,
        )  # fmt: skip
    except RepoRejected as error:
        raise RepoRejected(f"{shown}: {error}") from None
    head, notes = commit, list[str]()
    if choose is not None:
        commit, notes = choose(scratch, head)
    stats = _archive(scratch, commit, work / "tree", env, options.caps, deadline, shown)
    return head, commit, notes + _export_flags(stats)


def take_in(
    source: str, ref: str | None, work: Path, options: IntakeOptions, choose: Chooser | None = None
) -> Intake:
    """Export ``source`` at ``ref`` (default branch head) under ``work``; raise RepoRejected.

    ``choose`` may pick another commit of the fetched history to grade (the time window).
    """
    started = time.monotonic()
    deadline = Deadline.starting_now(options.timeout)
    git_dir: Path | None = work / "git"
    if _looks_like_url(source):
        url = check_url(source, options.policy)
        protocols = "https:http:git"
        head, commit, flags = _fetch_and_export(
            url, ref, work, options, protocols, source, choose, deadline
        )
    else:
        if not options.allow_local:
            raise RepoRejected(f"{source}: local paths are accepted from staff only")
        path = Path(source).expanduser()
        if not path.is_dir():
            raise RepoRejected(f"{source}: no such directory")
        path = path.resolve()
        kind = repository_kind(path)
        if kind == "repository":
            refuse_borrowed(path, source)
            head, commit, flags = _fetch_and_export(
                str(path), ref, work, options, "file", source, choose, deadline
            )
        else:
            pointer = [POINTER_FLAG] if kind == "pointer" else []
            if ref is not None:
                detail = " (its .git is a file or a link, never followed)" if pointer else ""
                raise RepoRejected(
                    f"{source}: --ref needs a git repository, this is a plain directory{detail}"
                )
            git_dir = None
            tree = work / "tree"
            stats = copy_directory(path, tree, options.caps, deadline)
            commit = head = tree_hash(tree)
            flags = pointer + _export_flags(stats)
    return Intake(
        tree=work / "tree",
        commit=commit,
        source=source,
        ref=ref,
        flags=flags,
        seconds=time.monotonic() - started,
        git_dir=git_dir,
        head=head,
    )


def peek_head(source: str, ref: str | None, work: Path, options: IntakeOptions) -> str | None:
    """What ``take_in`` would record as the head, at a fraction of the cost: the remote's ref
    for git sources (no objects fetched), the content hash for a plain directory. None when
    it cannot be known without fetching (a commit SHA as ref)."""
    if ref is not None and re.fullmatch(r"[0-9a-f]{40}", ref):
        return ref
    if _looks_like_url(source):
        location, protocols = check_url(source, options.policy), "https:http:git"
    else:
        path = Path(source).expanduser()
        if not path.is_dir() or not options.allow_local:
            return None
        path = path.resolve()
        if repository_kind(path) != "repository":
            try:
                copy_directory(
                    path, work / "peek", options.caps, Deadline.starting_now(options.timeout)
                )
            except RepoRejected:
                return None
            return tree_hash(work / "peek")
        location, protocols = str(path), "file"
    home = work / "peek-home"
    home.mkdir(parents=True, exist_ok=True)
    try:
        env = _git_env(home, protocols)
        return remote_head(location, ref, work / "peek.git", env, options.timeout)
    except RepoRejected:
        return None


def new_work_dir(parent: Path | None = None) -> Path:
    """A private directory for one submission's files."""
    return Path(tempfile.mkdtemp(prefix="takehome-", dir=parent))
