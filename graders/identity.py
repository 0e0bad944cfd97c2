"""Who the candidate is, as far as the submission tells: the strings blind review removes.

Gathered from the repository URL, the commit authors, and the places people sign their work
(LICENSE, AUTHORS, README, pyproject authors). Over-removal is the safe side: a redacted
common word costs a reviewer a moment, a leaked name costs the review its blindness.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

MIN_TOKEN = 3
READ_CAP = 64 * 1024
SIGNED_FILES = re.compile(r"^(license|licence|copying|authors|contributors|readme|notice)",
                          re.IGNORECASE)  # fmt: skip
_COPYRIGHT = re.compile(
    r"(?:copyright|\(c\)|©)\s*(?:\(c\)|©)?\s*(?:\d{4}(?:\s*[-,]\s*\d{4})*)?\s*,?\s*"
    r"(?:by\s+)?([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})",
    re.IGNORECASE,
)
_SIGNED = re.compile(
    r"(?:author|written by|created by|made by|maintainer|by)\s*[:\-]?\s*"
    r"([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})"
)
_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9][A-Za-z0-9-]{2,38})\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NOT_NAMES = frozenset(
    {"the", "and", "for", "with", "this", "that", "all", "rights", "reserved", "license",
     "licence", "software", "mit", "apache", "copyright", "holders", "contributors", "python",
     "readme", "main", "master", "test", "tests", "user", "admin", "root", "dev", "github",
     "gitlab", "bitbucket", "com", "org", "www", "http", "https", "git", "example"}
)  # fmt: skip


def _parts(text: str) -> set[str]:
    """The whole string and each of its name-like parts."""
    text = text.strip()
    pieces = {text} if len(text) >= MIN_TOKEN else set()
    pieces |= {p for p in re.split(r"[\s._+-]+", text) if len(p) >= MIN_TOKEN}
    return {p for p in pieces if p.lower() not in _NOT_NAMES}


def from_url(source: str) -> set[str]:
    """The URL itself and its owner segment (github.com/<owner>/repo)."""
    tokens = {source}
    parts = urlsplit(source)
    if parts.netloc:
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            tokens |= _parts(segments[0])
        if parts.username:
            tokens |= _parts(parts.username)
    return tokens


def from_authors(authors: Iterable[tuple[str, str]]) -> set[str]:
    tokens: set[str] = set()
    for name, email in authors:
        tokens |= _parts(name)
        if email:
            tokens.add(email)
            tokens |= _parts(email.split("@", 1)[0])
    return tokens


def _signed_text(text: str) -> set[str]:
    tokens: set[str] = set()
    for pattern in (_COPYRIGHT, _SIGNED):
        for match in pattern.finditer(text):
            tokens |= _parts(match.group(1))
    tokens |= {m.group(1) for m in _HANDLE.finditer(text)}
    tokens |= set(_EMAIL.findall(text))
    return tokens


def _pyproject_authors(path: Path) -> set[str]:
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")[:READ_CAP]).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return set()
    people = [*project.get("authors", []), *project.get("maintainers", [])]
    return from_authors(
        (str(p.get("name", "")), str(p.get("email", ""))) for p in people if isinstance(p, dict)
    )


def from_tree(tree: Path) -> set[str]:
    """Names and handles in the files where people sign their work (top level only)."""
    tokens: set[str] = set()
    if not tree.is_dir():
        return tokens
    for path in sorted(tree.iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        if SIGNED_FILES.match(path.name):
            with path.open("rb") as handle:
                tokens |= _signed_text(handle.read(READ_CAP).decode("utf-8", "replace"))
        elif path.name == "pyproject.toml":
            tokens |= _pyproject_authors(path)
    return {t for t in tokens if t.lower() not in _NOT_NAMES}


def identity_tokens(
    source: str, authors: Iterable[tuple[str, str]], tree: Path | None, names: Iterable[str] = ()
) -> list[str]:
    """Every string to remove, longest first (so a full name goes before its parts)."""
    tokens = from_url(source) | from_authors(authors) | {n for name in names for n in _parts(name)}
    if tree is not None:
        tokens |= from_tree(tree)
    return sorted({t for t in tokens if len(t) >= MIN_TOKEN}, key=lambda t: (-len(t), t))
