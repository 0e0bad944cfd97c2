"""The files of a submission (or a starter, or a known solution) and their token streams.

Every regular text file under the directory is read, reached through no symlink; version
control, caches and virtual environments are skipped, as are binary files (a NUL byte) and
files over ``FILE_CAP``. ``.py`` files go through the syntax tree; one that does not parse,
and every other kind of file, through a Pygments lexer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graders.similarity.errors import SimilarityError
from graders.similarity.lexed_tokens import lexed_tokens
from graders.similarity.python_tokens import python_tokens
from graders.similarity.tokens import Token

FILE_CAP = 1024 * 1024
"""Largest file compared: bigger ones are data or generated, not someone's code."""
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv"})


@dataclass(frozen=True)
class SourceFile:
    """One file: its relative posix path, its tokens and how they were made."""

    path: str
    tokens: tuple[Token, ...]
    parsed: bool
    """True when the Python syntax tree made the tokens, False for the Pygments lexer."""


def read_text(path: Path) -> str | None:
    """The text of a regular file under the cap, or None when it is binary or too large."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > FILE_CAP:
            return None
        data = path.read_bytes()
    except OSError as error:
        raise SimilarityError(f"{path}: cannot be read ({error.strerror})") from error
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def file_tokens(relative: str, text: str) -> SourceFile:
    """The tokens of one file's text; Python that does not parse falls back to the lexer."""
    if relative.endswith((".py", ".pyi")):
        try:
            return SourceFile(relative, tuple(python_tokens(text)), True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    return SourceFile(relative, tuple(lexed_tokens(relative, text)), False)


def _relative_files(root: Path) -> list[str]:
    found = []
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            found.append((Path(directory) / name).relative_to(root).as_posix())
    return found


def source_files(root: Path) -> list[SourceFile]:
    """Every comparable file under ``root`` with its tokens, in path order."""
    if root.is_symlink() or not root.is_dir():
        raise SimilarityError(f"{root}: not a directory")
    files = []
    for relative in _relative_files(root):
        text = read_text(root / relative)
        if text is not None:
            files.append(file_tokens(relative, text))
    return files
