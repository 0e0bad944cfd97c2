"""Writing a submission's files to the work area without trusting them.

Candidate trees come in as a tar stream (``git archive``) or a directory, and may hold
symlinks to host files, absurd sizes or millions of entries. Members are checked one by one
before anything is written; links are written as links and never followed on the host.
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


@dataclass(frozen=True)
class Caps:
    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20_000


@dataclass
class ExportStats:
    files: int = 0
    bytes: int = 0
    dropped_links: list[str] = field(default_factory=list)


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
            Path(base) / name
            for base, dirs, files in os.walk(dest, followlinks=False)
            for name in [*files, *dirs]
            if os.path.islink(os.path.join(base, name))
            and os.path.commonpath([root, os.path.realpath(os.path.join(base, name))]) != root
        )
        if not escaping:
            return
        for path in escaping:
            path.unlink()
            stats.dropped_links.append(path.relative_to(dest).as_posix())


def extract_tar(stream: IO[bytes], dest: Path, caps: Caps) -> ExportStats:
    """Extract a tar stream member by member under ``dest``; links leaving the tree are dropped."""
    stats = ExportStats()
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
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
                    raise RepoRejected(f"{member.name}: {error}") from None
                stats.dropped_links.append(member.name)
    _drop_escaping_links(dest, stats)
    return stats


def copy_directory(source: Path, dest: Path, caps: Caps) -> ExportStats:
    """Copy a plain directory: links kept as links (never read through), .git left out."""
    stats = ExportStats()
    dest.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        relative_root = Path(root).relative_to(source)
        for name in dirs:
            path = Path(root) / name
            if path.is_symlink():
                continue
            (dest / relative_root / name).mkdir(exist_ok=True)
        for name in [*sorted(files), *(d for d in dirs if (Path(root) / d).is_symlink())]:
            path = Path(root) / name
            target = dest / relative_root / name
            relative = (relative_root / name).as_posix()
            if path.is_symlink():
                link = os.readlink(path)
                if not _link_stays_inside(relative, link):
                    stats.dropped_links.append(relative)
                    continue
                _check(stats, caps, 0)
                os.symlink(link, target)
            elif path.is_file():
                _check(stats, caps, path.lstat().st_size)
                shutil.copyfile(path, target, follow_symlinks=False)
    _drop_escaping_links(dest, stats)
    return stats


def tree_hash(root: Path) -> str:
    """sha256 over relative paths, link targets and file bytes: the id of a plain directory."""
    digest = hashlib.sha256()
    paths = [
        Path(base) / name
        for base, dirs, files in os.walk(root, followlinks=False)
        for name in [*files, *dirs]
    ]
    for path in sorted(paths):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            digest.update(b"L" + relative.encode() + b"\0" + os.readlink(path).encode() + b"\0")
        elif path.is_file():
            data = path.read_bytes()
            digest.update(b"F" + relative.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + digest.hexdigest()
