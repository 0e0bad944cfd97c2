"""Reviewer accounts: one-time login links and the sessions they open.

A login link carries a random token whose SHA-256 alone is stored; spending it opens a session
whose cookie is another random token, also stored hashed, with a CSRF token that every form and
every save of that session must carry.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from reports.review import ReviewError, check_reviewer
from runner.store.accounts import Reviewer
from runner.store.base import utc_now
from runner.store.models import Role
from runner.store.runs import Store

LINK_LIFETIME = timedelta(days=7)
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class SignedIn:
    reviewer: Reviewer
    csrf: str


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def login_link(store: Store, name: str, public_url: str, manager: bool = False,
               create: bool = True) -> str:  # fmt: skip
    """A one-time login link for ``name`` (a new account when ``create``, with the manager
    role when ``manager``; otherwise an existing one's new link)."""
    check_reviewer(name)
    if create:
        reviewer = store.add_reviewer(name, Role.MANAGER if manager else Role.REVIEWER)
    else:
        found = store.reviewer_named(name)
        if found is None:
            raise ReviewError(f"{name}: no such reviewer (takehome reviewer add {name})")
        reviewer = found
    token = secrets.token_urlsafe(32)
    store.add_login_link(reviewer.id, hashed(token), utc_now() + LINK_LIFETIME)
    return f"{public_url.rstrip('/')}/login/{quote(token, safe='')}"


def sign_in(store: Store, token: str) -> tuple[SignedIn, str] | str:
    """The session opened by spending a login link, with its cookie value; or why not."""
    if not 20 <= len(token) <= 100:
        return "this login link is not valid"
    found = store.spend_login_link(hashed(token))
    if isinstance(found, str):
        return found
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    store.add_session(found.id, hashed(cookie), csrf, utc_now() + SESSION_LIFETIME)
    store.audit(found.name, "sign in", f"reviewer {found.id}", {})
    return SignedIn(found, csrf), cookie


def session_of(store: Store, cookie: str | None) -> SignedIn | None:
    if not cookie or len(cookie) > 100:
        return None
    found = store.signed_in(hashed(cookie))
    return None if found is None else SignedIn(*found)


def sign_out(store: Store, cookie: str) -> None:
    store.end_session(hashed(cookie))


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a form's or header's CSRF token with the session's."""
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())
