"""Intake: a submission (local directory, local git repository or git URL) → an exported tree.

git runs with an empty configuration of ours, never the candidate's: the commit is fetched
into a fresh repository (so a candidate's ``.git/config`` filters, hooks and ``fsmonitor``
never run) and exported with ``git archive``; submodules and LFS objects are never fetched.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import RepoRejected
from runner.intake.git_fetch import fetch_commit, remote_head
from runner.intake.safe_export import Caps, copy_directory, extract_tar, tree_hash
from runner.intake.url_policy import UrlPolicy, check_url


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


def _fetch_and_export(
    location: str,
    ref: str | None,
    work: Path,
    options: IntakeOptions,
    protocols: str,
    shown: str,
    choose: Chooser | None,
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
    tree = work / "tree"
    tree.mkdir()
    process = subprocess.Popen(
        [
            "git",
            "--git-dir",
            str(scratch),
            "-c",
            "core.attributesFile=/dev/null",
            "archive",
            "--format=tar",
            commit,
        ],
        stdout=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    try:
        stats = extract_tar(process.stdout, tree, options.caps)
        while process.stdout.read(65536):  # tar's trailing padding: else git dies of SIGPIPE
            pass
    finally:
        process.stdout.close()
        returncode = process.wait(timeout=options.timeout)
    if returncode != 0:
        raise RepoRejected(f"{shown}: git archive of {commit} failed (exit {returncode})")
    flags = [f"symlink leaving the tree was not exported: {name}" for name in stats.dropped_links]
    return head, commit, notes + flags


def take_in(
    source: str, ref: str | None, work: Path, options: IntakeOptions, choose: Chooser | None = None
) -> Intake:
    """Export ``source`` at ``ref`` (default branch head) under ``work``; raise RepoRejected.

    ``choose`` may pick another commit of the fetched history to grade (the time window).
    """
    started = time.monotonic()
    git_dir: Path | None = work / "git"
    if _looks_like_url(source):
        url = check_url(source, options.policy)
        protocols = "https:http:git"
        head, commit, flags = _fetch_and_export(url, ref, work, options, protocols, source, choose)
    else:
        if not options.allow_local:
            raise RepoRejected(f"{source}: local paths are accepted from staff only")
        path = Path(source).expanduser()
        if not path.is_dir():
            raise RepoRejected(f"{source}: no such directory")
        path = path.resolve()
        if (path / ".git").exists() or path.suffix == ".git":
            head, commit, flags = _fetch_and_export(
                str(path), ref, work, options, "file", source, choose
            )
        else:
            if ref is not None:
                raise RepoRejected(
                    f"{source}: --ref needs a git repository, this is a plain directory"
                )
            git_dir = None
            tree = work / "tree"
            stats = copy_directory(path, tree, options.caps)
            commit = head = tree_hash(tree)
            flags = [f"symlink leaving the tree was not exported: {n}" for n in stats.dropped_links]
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
        if not ((path / ".git").exists() or path.suffix == ".git"):
            copy_directory(path.resolve(), work / "peek", options.caps)
            return tree_hash(work / "peek")
        location, protocols = str(path.resolve()), "file"
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
