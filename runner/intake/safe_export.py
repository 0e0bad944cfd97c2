"""Writing a submission's files to the work area without trusting them.

Candidate trees come in as a tar stream (``git archive``) or a directory, and may hold
symlinks to host files, absurd sizes, millions of entries, names that are not UTF-8 or hold
terminal escapes, or thousands of levels of directories. Members are checked one by one
before anything is written (``runner.intake.tree_walk``); links are written as links and
never followed on the host; a name with control characters is left out and listed (cleaned),
so that no grader and no report ever carries it; a ``.git`` entry is never exported.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from runner.errors import RepoRejected
from runner.intake.tree_walk import Deadline, check_name, has_control, shown, sort_key, walk

NEVER_EXPORTED = frozenset({".git", "__pycache__"})
"""A repository pointer in the exported tree could send a tool of ours to another history;
bytecode caches are nobody's source (Python would import a lone ``.pyc`` the static scan and
the reviewers never see), and one written by a local run would change a folder's hash."""


@dataclass(frozen=True)
class Caps:
    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20_000
    """Files, links and directories: an empty directory costs as much to walk as a file."""
    max_depth: int = 100
    """Directory levels: deeper trees exhaust recursive tools (RecursionError, ENAMETOOLONG)."""


@dataclass
class ExportStats:
    files: int = 0
    bytes: int = 0
    dropped_links: list[str] = field(default_factory=list)
    dropped_names: list[str] = field(default_factory=list)
    """Entries left out because their names hold control characters (shown cleaned)."""


def _check(stats: ExportStats, caps: Caps, size: int) -> None:
    stats.files += 1
    stats.bytes += size
    if stats.files > caps.max_files:
        raise RepoRejected(f"the submission has more than {caps.max_files} files")
    if stats.bytes > caps.max_bytes:
        megabytes, rest = divmod(caps.max_bytes, 1024 * 1024)
        limit = f"{megabytes} MB" if megabytes and not rest else f"{caps.max_bytes} bytes"
        raise RepoRejected(f"the submission is larger than {limit}")


def _link_stays_inside(link: str, target: str) -> bool:
    if os.path.isabs(target):
        return False
    resolved = os.path.normpath(os.path.join(os.path.dirname(link), target))
    return not (resolved == ".." or resolved.startswith("../") or os.path.isabs(resolved))


def _drop_escaping_links(dest: Path, stats: ExportStats) -> None:
    """Remove links that leave ``dest`` once resolved through the tree's other links.

    Each link may look inside on its own (``c -> ..``, ``b -> c/../..``) and still escape
    through another one, so the finished tree is checked until no such link is left.
    """
    root = os.path.realpath(dest)
    while True:
        escaping = sorted(
            entry.relative
            for entry in walk(dest)
            if entry.is_link and os.path.commonpath([root, os.path.realpath(entry.path)]) != root
        )
        if not escaping:
            return
        for relative in escaping:
            (dest / relative).unlink()
            stats.dropped_links.append(relative)


def _left_out(relative: str, stats: ExportStats, caps: Caps) -> bool:
    """Check a member's name; True when it is not exported (a ``.git`` entry, or a name
    holding control characters, listed cleaned). Left-out entries still count to the cap."""
    check_name(relative, caps.max_depth)
    if NEVER_EXPORTED.intersection(relative.split("/")):
        _check(stats, caps, 0)
        return True
    if has_control(relative):
        _check(stats, caps, 0)
        stats.dropped_names.append(shown(relative))
        return True
    return False


def extract_tar(
    stream: IO[bytes], dest: Path, caps: Caps, deadline: Deadline | None = None
) -> ExportStats:
    """Extract a tar stream member by member under ``dest``; links leaving the tree are dropped.

    A stream that is not a tar archive raises ``tarfile.TarError``: the caller knows why
    (``git archive`` refused the tree) and says so."""
    stats = ExportStats()
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if deadline is not None:
                deadline.check()
            if _left_out(member.name, stats, caps):
                continue
            if member.issym() or member.islnk():
                if member.islnk() or not _link_stays_inside(member.name, member.linkname):
                    stats.dropped_links.append(member.name)
                    continue
            elif not (member.isfile() or member.isdir()):
                continue
            _check(stats, caps, member.size)
            try:
                archive.extract(member, dest, filter="data")
            except tarfile.FilterError as error:
                if not member.issym():
                    raise RepoRejected(f"{shown(member.name)}: {error}") from None
                stats.dropped_links.append(member.name)
    _drop_escaping_links(dest, stats)
    return stats


def copy_directory(
    source: Path, dest: Path, caps: Caps, deadline: Deadline | None = None
) -> ExportStats:
    """Copy a plain directory: links kept as links (never read through), .git left out.

    The walk is iterative and counts directories, so neither 1,500 levels nor 300,000 empty
    directories get further than the caps; an unreadable entry rejects the submission."""
    stats = ExportStats()
    dest.mkdir(parents=True, exist_ok=True)
    pruned: set[str] = set()
    for entry in walk(source, caps.max_files, deadline, NEVER_EXPORTED, pruned):
        relative, target = entry.relative, dest / entry.relative
        check_name(relative, caps.max_depth)
        if has_control(relative):
            stats.dropped_names.append(shown(relative))
            pruned.add(relative)
            continue
        if entry.is_link:
            link = os.readlink(entry.path)
            if not _link_stays_inside(relative, link):
                stats.dropped_links.append(relative)
                continue
            _check(stats, caps, 0)
            os.symlink(link, target)
        elif entry.is_dir:
            _check(stats, caps, 0)
            target.mkdir()
        elif entry.is_file:
            _check(stats, caps, entry.size)
            try:
                shutil.copyfile(entry.path, target, follow_symlinks=False)
            except OSError as error:
                if error.filename != str(entry.path):
                    raise
                raise RepoRejected(
                    f"{shown(relative)}: cannot be read ({error.strerror})"
                ) from None
    _drop_escaping_links(dest, stats)
    return stats


def tree_hash(root: Path) -> str:
    """sha256 over relative paths, link targets and file bytes: the id of a plain directory."""
    digest = hashlib.sha256()
    for entry in sorted(walk(root), key=lambda found: sort_key(found.relative)):
        name = os.fsencode(entry.relative)
        if entry.is_link:
            digest.update(b"L" + name + b"\0" + os.fsencode(os.readlink(entry.path)) + b"\0")
        elif entry.is_file:
            data = entry.path.read_bytes()
            digest.update(b"F" + name + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + digest.hexdigest()
