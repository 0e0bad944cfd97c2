"""Invitation links and the portal's form tokens: HMAC-SHA256 under the portal secret.

A link is ``<invitation id>.<signature>``. The signature covers the id and the invitation's
random nonce, which lives only in the store: forging a link takes the secret *and* the
database, and a link cannot be derived from another one. The form token (CSRF) is a second
HMAC over the same invitation with another purpose, so it is tied to that invitation, needs no
session or cookie, and cannot be computed from the link. Every comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

from runner.store.runs import Invitation, Store

_LINK = b"takehome.invitation-link\0"
_FORM = b"takehome.invitation-form\0"
_TOKEN = re.compile(r"^([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$")


def _mac(secret: str, purpose: bytes, invitation: Invitation) -> str:
    message = purpose + invitation.id.encode() + b"\0" + invitation.token_nonce.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_token(secret: str, invitation: Invitation) -> str:
    """The token of the invitation's link (``/invite/<token>``)."""
    return f"{invitation.id}.{_mac(secret, _LINK, invitation)}"


def token_id(token: str) -> str | None:
    """The invitation id a well-formed token names (not yet verified), or None."""
    match = _TOKEN.match(token)
    return match.group(1) if match else None


def link_ok(secret: str, invitation: Invitation, token: str) -> bool:
    return hmac.compare_digest(link_token(secret, invitation).encode(), token.encode())


def form_token(secret: str, invitation: Invitation) -> str:
    """The hidden field of the invitation's submission form."""
    return _mac(secret, _FORM, invitation)


def form_ok(secret: str, invitation: Invitation, given: str) -> bool:
    expected = form_token(secret, invitation).encode()
    return hmac.compare_digest(expected, given.encode("utf-8", "surrogateescape"))


def new_link(store: Store, secret: str, public_url: str, challenge_ref: str, alias: str,
             valid_for: timedelta) -> str:  # fmt: skip
    """Create an invitation to ``challenge_ref`` for ``alias``, valid for ``valid_for`` from
    now (its hard deadline); the link to send the candidate."""
    deadline = datetime.now(UTC) + valid_for
    invitation = store.create_invitation(challenge_ref, alias, deadline)
    return f"{public_url.rstrip('/')}/invite/{link_token(secret, invitation)}"
