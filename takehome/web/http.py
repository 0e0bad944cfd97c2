"""HTTP plumbing the surfaces share: a body read with a cap, JSON parsed within limits, and
the security headers.

The cap is enforced on the stream, not after it: a declared Content-Length over the cap is
refused before a byte of the body is read, and a chunked body is abandoned at the first chunk
that crosses it, so a 10 MB (or 10 GB) request never sits in memory.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    # Styles and the review app's one script from this server only; no images, frames,
    # foreign forms or connections elsewhere (a README's image or a link in a candidate's
    # code cannot call out from a reviewer's browser).
    "content-security-policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "referrer-policy": "no-referrer",  # the invitation token is in the URL
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


class BodyTooLarge(Exception):
    """The request body is over the cap (HTTP 413)."""


class BadLength(Exception):
    """The Content-Length header is not a number (HTTP 400)."""


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes; BodyTooLarge as soon as it is known to be more."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BadLength(declared)
        if int(declared) > limit:
            raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


MAX_DIGITS = 100
"""Longest integer a JSON body may hold: GitHub's ids and sizes have 20 digits at most."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text.lstrip('-'))} digits")
    return int(text)


def loads_json(text: str | bytes) -> object:
    """``json.loads`` whose every refusal is a ValueError with a reason a client can read:
    bad syntax or encoding, a number of thousands of digits (beyond what ``int()`` converts),
    nesting deeper than the interpreter's recursion limit."""
    try:
        return json.loads(text, parse_int=_integer)
    except RecursionError:
        raise ValueError("nested too deeply") from None


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name.encode(), value.encode()) for name, value
                         in SECURITY_HEADERS.items() if name.encode() not in present]  # fmt: skip
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)
