"""What a candidate receives: the spec, the starter and the challenge's read-only visible files.

A challenge hands out ``spec.md``, the files of ``starter/`` and, when it has one, the files of
``handout/`` (helpers, fixtures, data files, a visible subset of the tests), merged into one
tree: ``handout/data.csv`` becomes ``data.csv`` beside the starter's files. Nothing else of the
challenge ever leaves: not the hidden suite, the reference solution, the samples, the rubric.

A symlink is followed only to a file of the same directory (``starter/`` or ``handout/``); one
that points anywhere else, a symlinked directory, a hard link to a hidden file and a starter
or handout directory that is itself a link are refused, each error naming the file. Caches
(``__pycache__``, ``*.pyc``, ``.git``...) are left out.

The handout is written as a directory or as a deterministic zip (sorted entries, fixed
timestamps and modes); ``runner.handout`` makes a template git repository of it.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from challenges.errors import ChallengeError
from challenges.files import read_bytes

SPEC = "spec.md"
STARTER = "starter"
HANDOUT = "handout"
HIDDEN = ("solution", "samples", "rubric.toml", "challenge.toml")
"""Never handed out, besides the hidden suite's directory (``tests.dir``)."""
SKIPPED_DIRS = frozenset(
    {"__pycache__", ".git", ".hg", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox"}
)
SKIPPED_SUFFIXES = (".pyc", ".pyo")
FILE_CAP = 32 * 1024 * 1024
TOTAL_CAP = 128 * 1024 * 1024
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class HandoutError(ChallengeError):
    """The handout cannot be made or written; the message names the file."""


@dataclass(frozen=True)
class HandoutFile:
    """One file of the handout: where it goes, its bytes, whether it is executable."""

    path: str
    """Relative, ``/``-separated."""
    data: bytes
    executable: bool = False


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _hidden_areas(root: Path, suite_dir: str) -> list[str]:
    return [os.path.realpath(root / name) for name in (suite_dir, *HIDDEN)]


def _hidden_inodes(areas: Sequence[str]) -> set[tuple[int, int]]:
    """(device, inode) of every hidden file: a hard link to one is the file itself."""
    found: set[tuple[int, int]] = set()
    for area in areas:
        for folder, _, names in os.walk(area):
            for name in names:
                try:
                    info = os.lstat(os.path.join(folder, name))
                except OSError:
                    continue
                found.add((info.st_dev, info.st_ino))
    return found


def _refuse_link(path: Path, area: str, root: str, hidden: Sequence[str]) -> None:
    """A symlink at ``path`` is refused unless it resolves to a file of ``area``."""
    target = os.path.realpath(path)
    if _inside(target, area) and not any(_inside(target, h) for h in hidden):
        return
    if not _inside(target, root):
        raise HandoutError(f"{path}: is a symlink to {target}, outside the challenge: refused")
    raise HandoutError(
        f"{path}: is a symlink to {os.path.relpath(target, root)}, which is not handed out: refused"
    )


def _name(path: Path, relative: str) -> str:
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        raise HandoutError(f"{path}: its name is not UTF-8: rename it") from None
    return relative.replace(os.sep, "/")


class _Collector:
    def __init__(self, root: Path, suite_dir: str) -> None:
        self.root, self.real_root = root, os.path.realpath(root)
        self.hidden = _hidden_areas(root, suite_dir)
        self.hidden_inodes = _hidden_inodes(self.hidden)
        self.files: dict[str, tuple[Path, HandoutFile]] = {}
        self.total = 0

    def add(self, path: Path, relative: str, area: str) -> None:
        if path.is_symlink():
            _refuse_link(path, area, self.real_root, self.hidden)
        real = os.path.realpath(path)
        if any(_inside(real, hidden) for hidden in self.hidden):
            raise HandoutError(f"{path}: is a file of the hidden part of the challenge: refused")
        data = read_bytes(path, HandoutError, FILE_CAP)
        info = os.stat(real)
        if (info.st_dev, info.st_ino) in self.hidden_inodes:
            raise HandoutError(f"{path}: is a hard link to a hidden file of the challenge: refused")
        self.total += len(data)
        if self.total > TOTAL_CAP:
            raise HandoutError(f"{path}: the handout is larger than {TOTAL_CAP // 1024**2} MB")
        name = _name(path, relative)
        if name in self.files:
            raise HandoutError(f"{path}: {name} is also {self.files[name][0]}: keep one of them")
        executable = bool(info.st_mode & stat.S_IXUSR)
        self.files[name] = (path, HandoutFile(name, data, executable))

    def add_directory(self, name: str, required: bool) -> None:
        top = self.root / name
        if top.is_symlink():
            raise HandoutError(f"{top}: is a symlink; the {name} must be a real directory")
        if not top.is_dir():
            if required or os.path.lexists(top):
                raise HandoutError(f"{top}: missing: the directory of files given to candidates")
            return
        area = os.path.realpath(top)
        for folder, dirs, names in os.walk(top):
            for sub in sorted(dirs):
                if (Path(folder) / sub).is_symlink():
                    raise HandoutError(f"{Path(folder) / sub}: is a symlink to a directory: "
                                       "refused (a handout holds regular files)")  # fmt: skip
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for file_name in sorted(names):
                if file_name.endswith(SKIPPED_SUFFIXES) or file_name == ".DS_Store":
                    continue
                path = Path(folder) / file_name
                self.add(path, os.path.relpath(path, top), area)


def handout_files(root: Path, suite_dir: str = "tests") -> tuple[HandoutFile, ...]:
    """The files a candidate receives from the challenge in ``root``, sorted by path."""
    collector = _Collector(root, suite_dir)
    spec = root / SPEC
    if spec.is_symlink():
        raise HandoutError(f"{spec}: is a symlink; the spec must be a regular file")
    collector.add(spec, SPEC, collector.real_root)
    collector.add_directory(STARTER, required=True)
    collector.add_directory(HANDOUT, required=False)
    return tuple(collector.files[name][1] for name in sorted(collector.files))


def read_only_files(root: Path, suite_dir: str = "tests") -> tuple[HandoutFile, ...]:
    """The files of ``handout/`` alone: given read-only, so at grading time the challenge's
    copies win over the candidate's (the starter is the candidate's to change)."""
    collector = _Collector(root, suite_dir)
    collector.add_directory(HANDOUT, required=False)
    return tuple(collector.files[name][1] for name in sorted(collector.files))


def given_files(root: Path, suite_dir: str = "tests") -> tuple[HandoutFile, ...]:
    """The starter and ``handout/`` merged: every file the candidate was given (not the
    spec), which lint, complexity and similarity leave out of the candidate's own work."""
    collector = _Collector(root, suite_dir)
    collector.add_directory(STARTER, required=False)
    collector.add_directory(HANDOUT, required=False)
    return tuple(collector.files[name][1] for name in sorted(collector.files))


def zip_bytes(files: Sequence[HandoutFile], folder: str) -> bytes:
    """A deterministic zip of ``files`` under ``folder/``: sorted, fixed times and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(files, key=lambda f: f.path):
            info = zipfile.ZipInfo(f"{folder}/{entry.path}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix: the mode below is read by unzip
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            archive.writestr(info, entry.data)
    return buffer.getvalue()


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def check_target(out: Path, force: bool) -> None:
    """Refuse an ``out`` that exists and is not empty (or is a file), unless ``force``."""
    if not os.path.lexists(out) or force:
        return
    if out.is_dir() and not out.is_symlink():
        try:
            empty = not any(out.iterdir())
        except OSError as error:
            raise HandoutError(f"{out}: cannot be read: {_reason(error)}") from None
        if empty:
            return
        raise HandoutError(f"{out}: exists and is not empty (--force writes into it)")
    raise HandoutError(f"{out}: already exists (--force replaces it)")


def write_directory(files: Sequence[HandoutFile], out: Path, force: bool = False) -> None:
    """Write ``files`` under the directory ``out`` (created; refused when not empty)."""
    check_target(out, force)
    if out.exists() and not out.is_dir():
        raise HandoutError(f"{out}: is not a directory")
    for entry in files:
        target = out / entry.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            target.write_bytes(entry.data)
            target.chmod(0o755 if entry.executable else 0o644)
        except OSError as error:
            raise HandoutError(f"{target}: cannot be written: {_reason(error)}") from None


def write_zip(files: Sequence[HandoutFile], out: Path, folder: str, force: bool = False) -> None:
    """Write the deterministic zip of ``files`` to ``out`` (refused when it exists)."""
    check_target(out, force)
    if out.is_dir():
        raise HandoutError(f"{out}: is a directory, not a zip file")
    data = zip_bytes(files, folder)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, out)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise HandoutError(f"{out}: cannot be written: {_reason(error)}") from None
