"""What the web app is given: plain values and callables, never the settings themselves.

``takehome serve`` builds this from the settings; tests build it by hand with their own
challenges, roster and DNS resolver, so no test of the app needs the environment or a network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from challenges.load import Challenge
from runner.intake.url_policy import Resolver, resolve_host
from runner.pipeline import GradeRequest

MAX_WEBHOOK_BODY = 1024 * 1024
"""GitHub caps payloads at 25 MB, but a push of one commit is a few kB: 1 MB is generous."""
MAX_FORM_BODY = 16 * 1024
"""The portal's one form holds a URL and a token."""

Enqueue = Callable[[GradeRequest], None]
"""Hands a submission to grading (a thread pool in process, a queue between machines)."""

_SCP_LIKE = re.compile(r"^[\w.-]+@([^:/]+):(.+)$")


def repo_key(url: str) -> str:
    """One spelling per repository: host and path lowercased, without ``.git`` or a trailing
    slash, whatever the scheme (GitHub sends clone_url, html_url and ssh_url spellings). A
    URL that cannot be split (a bracket left open) is its own key, which matches nothing."""
    scp = _SCP_LIKE.match(url.strip())
    if scp:
        host, path = scp.group(1), "/" + scp.group(2)
    else:
        try:
            parts = urlsplit(url.strip())
            host, path = parts.hostname or "", parts.path
        except ValueError:  # "https://[::1/x.git": no roster URL is spelled so, none matches
            return f"\0{url}"
    path = path.lower().rstrip("/").removesuffix(".git").rstrip("/")
    return f"{host.lower()}{path}"


def is_url(url: str) -> bool:
    """Whether ``url`` can be read as a repository URL at all (``https://[::1/x.git`` and a
    port of 99999 cannot); which URLs may be fetched is the URL policy's business."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class WatchedRepo:
    """A roster repository the webhook grades on push."""

    clone_url: str
    """The URL staff put on the roster; it is what gets fetched, not what the payload says."""
    alias: str
    challenge: Challenge
    ref: str | None = None
    """Only pushes to this branch are graded (None: any branch)."""
    window_start: datetime | None = None
    deadline: datetime | None = None


@dataclass(frozen=True)
class WebConfig:
    public_url: str
    """Base of the links the portal prints, e.g. ``https://grading.example.com``."""
    webhook_secret: str | None
    """Shared secret of the GitHub webhook; None: the webhook answers 503."""
    portal_secret: str | None
    """Key that signs invitation links and form tokens; None: the portal answers 503."""
    challenges: Callable[[str], Challenge]
    """Loads the challenge an invitation names (a bundled slug or a directory)."""
    roster: tuple[WatchedRepo, ...] = ()
    resolver: Resolver = field(default=resolve_host)
    """DNS lookups of check_url (tests pass a table: no lookup leaves the machine)."""
    max_webhook_body: int = MAX_WEBHOOK_BODY

    def watched(self, url: str) -> WatchedRepo | None:
        key = repo_key(url)
        return next((repo for repo in self.roster if repo_key(repo.clone_url) == key), None)
