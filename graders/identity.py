"""Who the candidate is, as far as the submission tells: the strings blind review removes.

Gathered from every place the submission says who made it: the source (URL owner and repo,
or every component of a local path: staff name folders after people), the ref, commit
authors and committers, merge subjects ("Merge pull request #3 from alice-dev/feature"),
and the files where people sign their work (LICENSE, AUTHORS, README, pyproject authors),
URLs and handles in them included. A name also stands for the ways code spells it
(AliceSmith, alice_smith, alicesmith, alice-smith). Over-removal is the safe side: a redacted
common word costs a reviewer a moment, a leaked name costs the review its blindness.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from graders.history.people import people_and_subjects

MIN_TOKEN = 3
READ_CAP = 64 * 1024
SIGNED_FILES = re.compile(r"^(license|licence|copying|authors|contributors|readme|notice)",
                          re.IGNORECASE)  # fmt: skip
_NAME = r"([A-Z][\w.'-]+(?:[ \t]+[A-Z][\w.'-]+){0,3})"
"""Up to four capitalised words on one line: a name never runs into the next line or into
lowercase words ("Jane Doe and contributors" names Jane Doe, not "and")."""
_COPYRIGHT = re.compile(
    r"(?i:copyright|\(c\)|©)[ \t]*(?i:\(c\)|©)?[ \t]*(?:\d{4}(?:[ \t]*[-,][ \t]*\d{4})*)?"
    r"[ \t]*,?[ \t]*(?:(?i:by)[ \t]+)?" + _NAME
)
_SIGNED = re.compile(
    r"(?:author|written by|created by|made by|maintainer|by)[ \t]*[:\-]?[ \t]*" + _NAME
)
_HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9][A-Za-z0-9-]{2,38})\b")
_LABELLED = re.compile(  # a handle without @: "GitHub: alice-dev", "username = alice"
    r"\b(?:github|gitlab|bitbucket|codeberg|twitter|mastodon|linkedin|discord|telegram|"
    r"handle|nick(?:name)?|user(?:name)?|login)\s*[:=]\s*@?([A-Za-z0-9][\w.-]{2,38})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?|ssh|git)://[^\s<>()\[\]{}\"'`]+", re.IGNORECASE)
_HOSTED = re.compile(  # owner (and repository) on a forge, with or without a scheme
    r"\b(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|git\.sr\.ht|gitee\.com)"
    r"[/:]~?([A-Za-z0-9][\w.-]*)(?:/([A-Za-z0-9][\w.-]*))?",
    re.IGNORECASE,
)
_PAGES = re.compile(r"\b([A-Za-z0-9][\w-]*)\.(?:github|gitlab|codeberg)\.io\b", re.IGNORECASE)
_MERGE_FROM = re.compile(  # "Merge pull request #3 from alice-dev/feature", "... of github.com:x"
    r"\b(?:from|of)\s+['\"]?([^\s'\"]+)", re.IGNORECASE
)
_FORGES = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "git.sr.ht",
                     "gitee.com", "www.github.com"})  # fmt: skip
_MERGE_BRANCH = re.compile(r"\bbranch(?:es)?\s+'([^']+)'", re.IGNORECASE)
_SHA = re.compile(r"[0-9a-f]{7,64}")
_NOT_NAMES = frozenset(
    {"the", "and", "for", "with", "this", "that", "all", "rights", "reserved", "license",
     "licence", "software", "mit", "apache", "copyright", "holders", "contributors", "python",
     "readme", "main", "master", "test", "tests", "user", "admin", "root", "dev", "github",
     "gitlab", "bitbucket", "com", "org", "www", "http", "https", "git", "example", "merge",
     "pull", "request", "branch", "remote", "tracking", "refs", "heads", "tags", "origin",
     "head", "tmp", "home", "var", "srv", "opt", "usr", "mnt", "pytest", "users", "work"}
)  # fmt: skip


def _parts(text: str) -> set[str]:
    """The whole string and each of its name-like parts."""
    text = text.strip()
    pieces = {text} if len(text) >= MIN_TOKEN else set()
    pieces |= {p for p in re.split(r"[\s._+/-]+", text) if len(p) >= MIN_TOKEN}
    return {p for p in pieces if p.lower() not in _NOT_NAMES}


def from_names(names: Iterable[str]) -> set[str]:
    """Each name, its parts, and how code spells it: AliceSmith, alice_smith, alice-smith..."""
    tokens: set[str] = set()
    for name in names:
        tokens |= _parts(name)
        words = [w for w in re.split(r"[\s._-]+", name.strip()) if w]
        if len(words) < 2:
            continue
        for order in (words, words[::-1]):
            tokens |= {separator.join(order) for separator in ("", "_", "-", ".")}
            tokens.add("".join(word[:1].upper() + word[1:] for word in order))
    return {t for t in tokens if len(t) >= MIN_TOKEN}


def _email(email: str) -> set[str]:
    """The address, its local part's pieces, and a personal domain's name."""
    local, _, domain = email.strip().partition("@")
    tokens = {email.strip()} | _parts(local)
    labels = domain.split(".")[:-1]  # without the top-level domain
    return tokens | {label for label in labels if len(label) >= MIN_TOKEN}


def _repository(name: str) -> set[str]:
    """A repository's name whole (its parts are mostly the challenge's words: kv, store)."""
    name = name.removesuffix(".git")
    return {name} if len(name) >= MIN_TOKEN and name.lower() not in _NOT_NAMES else set()


def _forge_owners(text: str) -> set[str]:
    """Owner (and repository) of every forge address in ``text``: github.com/alice-dev/kv."""
    tokens: set[str] = set()
    for match in _HOSTED.finditer(text):
        tokens |= _parts(match.group(1))
        tokens |= _repository(match.group(2) or "")
    return tokens


def from_url(source: str) -> set[str]:
    """The source itself, the URL's user, owner and repository, or a path's components."""
    tokens = {source}
    parts = urlsplit(source)
    if parts.netloc:
        segments = [s for s in parts.path.split("/") if s]
        if segments:
            tokens |= _parts(segments[0].lstrip("~"))
        if len(segments) > 1:
            tokens |= _repository(segments[1])
        if parts.username:
            tokens |= _parts(parts.username)
        return tokens
    tokens |= _forge_owners(source)  # scp-like: git@github.com:alice/repo.git
    for component in PurePosixPath(source.replace("\\", "/")).parts:
        if component not in {"/", ".", ".."}:
            tokens |= _parts(component)
    return tokens


def from_ref(ref: str | None) -> set[str]:
    """A branch name like ``alice-smith/solution``: the whole ref and its components."""
    if not ref or _SHA.fullmatch(ref):
        return set()
    short = re.sub(r"^refs/(?:heads|tags|remotes/[^/]+|pull)/", "", ref)
    tokens = _parts(ref) | _parts(short)
    for component in ref.split("/"):
        tokens |= _parts(component)
    return tokens


def from_authors(authors: Iterable[tuple[str, str]]) -> set[str]:
    """Names (with their joins) and email addresses of authors or committers."""
    tokens: set[str] = set()
    for name, email in authors:
        tokens |= from_names([name])
        if email:
            tokens |= _email(email)
    return tokens


def from_text(text: str) -> set[str]:
    """Handles, forge owners and URLs in free text (a LICENSE, a README, a commit subject)."""
    tokens = {m.group(1) for m in _HANDLE.finditer(text)}
    tokens |= {m.group(1) for m in _LABELLED.finditer(text)}
    tokens |= {m.group(1) for m in _PAGES.finditer(text)}
    tokens |= _forge_owners(text)
    tokens |= {m.group(0).rstrip(".,;:!?") for m in _URL.finditer(text)}
    for email in _EMAIL.findall(text):
        tokens |= _email(email)
    return tokens


def from_subjects(subjects: Iterable[str]) -> set[str]:
    """What merge subjects tell: "Merge pull request #3 from alice-dev/feature". The owner
    in its parts, branch names whole (their parts are mostly the work's words: ttl, fix)."""
    tokens: set[str] = set()
    for subject in subjects:
        tokens |= from_text(subject)
        if not subject.lower().startswith("merge"):
            continue
        for match in _MERGE_FROM.finditer(subject):
            where = re.sub(r"^[a-z]+://", "", match.group(1), flags=re.IGNORECASE)
            segments = [s for s in re.split(r"[/:@]+", where) if s.lower() not in _FORGES]
            for number, segment in enumerate(segments):
                segment = segment.removesuffix(".git").lstrip("~").strip(".,;'\"")
                tokens |= _parts(segment) if number == 0 else _repository(segment)
        for match in _MERGE_BRANCH.finditer(subject):
            tokens |= {t for c in match.group(1).split("/") for t in _repository(c)}
    return tokens


def _signed_text(text: str) -> set[str]:
    tokens: set[str] = set()
    for pattern in (_COPYRIGHT, _SIGNED):
        for match in pattern.finditer(text):
            tokens |= from_names([match.group(1)])
    return tokens | from_text(text)


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
    """Names, handles and URLs in the files where people sign their work (top level only)."""
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
    return tokens


def from_history(git_dir: Path | None, commit: str | None) -> set[str]:
    """Authors, committers and merge subjects of the history behind the graded commit."""
    if git_dir is None or commit is None:
        return set()
    people, subjects = people_and_subjects(git_dir, commit)
    return from_authors(people) | from_subjects(subjects)


def identity_tokens(
    source: str,
    authors: Iterable[tuple[str, str]],
    tree: Path | None,
    names: Iterable[str] = (),
    ref: str | None = None,
    subjects: Iterable[str] = (),
    git_dir: Path | None = None,
    commit: str | None = None,
) -> list[str]:
    """Every string to remove, longest first (so a full name goes before its parts)."""
    tokens = from_url(source) | from_authors(authors) | from_names(names) | from_ref(ref)
    tokens |= from_subjects(subjects) | from_history(git_dir, commit)
    if tree is not None:
        tokens |= from_tree(tree)
    kept = {t.strip() for t in tokens}
    kept = {t for t in kept if len(t) >= MIN_TOKEN and t.lower() not in _NOT_NAMES}
    return sorted(kept, key=lambda t: (-len(t), t))
