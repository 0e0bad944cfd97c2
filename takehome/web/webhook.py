"""``POST /hooks/github``: a push to a roster repository is graded from its new head commit.

Order matters and is the security argument: the body is read with a cap (413), its
signature is checked in constant time before anything in it is parsed (401), then the
headers (400), the JSON (400), and only a well-formed delivery is recorded, so that a replayed
delivery id is answered 200 and enqueues nothing. The payload only selects a roster entry:
what is fetched is the URL staff put on the roster, at the ``after`` commit, with the time our
server saw the push (commit dates can be forged; this cannot). Which commit of that history is
graded is the batch's decision too: the request is the roster line's (``request_for``), the
time window chooses (``graders.history.time_window``), a late head is not graded as such.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from challenges.roster import RosterEntry
from runner.pipeline import GradeRequest, request_for
from runner.store.runs import Store, StoreError
from takehome.web.config import Enqueue, WebConfig, is_url
from takehome.web.http import BadLength, BodyTooLarge, loads_json, read_capped

log = logging.getLogger(__name__)

_SHA = re.compile(r"^[0-9a-f]{40}$")
_DELIVERY = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


@dataclass(frozen=True)
class Verdict:
    """What to answer, and the submission to hand over if any."""

    status: int
    body: dict[str, str]
    request: GradeRequest | None = None
    repository: str = ""
    """The repository the delivery names, for the deliveries table."""


SHOWN_URL = 200
"""A repository URL echoed in a reply is cut here: a payload's URL can be a megabyte long."""


def _error(status: int, reason: str) -> Verdict:
    return Verdict(status, {"error": reason})


def _ignored(reason: str) -> Verdict:
    return Verdict(202, {"status": "ignored", "reason": reason})


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256`` is ``sha256=`` and the hex HMAC of the raw body; compared in
    constant time, as bytes (a non-ASCII header is simply wrong, never an exception)."""
    if header is None:
        return False
    expected = b"sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(expected, header.encode("utf-8", "surrogateescape"))


def _payload(body: bytes, content_type: str) -> dict[str, Any] | Verdict:
    """The JSON object GitHub sent (as JSON, or form-encoded in ``payload=``)."""
    text: str | bytes = body
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace")).get("payload")
        if not values:
            return _error(400, "form-encoded delivery without a payload field")
        text = values[0]
    try:
        data = loads_json(text)
    except ValueError as error:  # syntax, encoding, 5,000 digits, 100,000 deep
        return _error(400, f"malformed JSON: {error}")
    if not isinstance(data, dict):
        return _error(400, "the payload is not a JSON object")
    return data


def _text(data: dict[str, Any], *path: str) -> str | None:
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, str) else None


def _push(data: dict[str, Any], config: WebConfig, received: datetime) -> Verdict:
    clone_url, ref, after = (_text(data, "repository", "clone_url"), _text(data, "ref"),
                             _text(data, "after"))  # fmt: skip
    missing = [name for name, value in (("repository.clone_url", clone_url), ("ref", ref),
                                        ("after", after)) if value is None]  # fmt: skip
    if clone_url is None or ref is None or after is None:
        return _error(400, f"push payload without {', '.join(missing)}")
    if data.get("deleted") is True or set(after) == {"0"}:
        return _ignored(f"{ref} was deleted: nothing to grade")
    if not _SHA.match(after):
        return _error(400, f"push payload: after is not a commit SHA ({after[:50]!r})")
    if not is_url(clone_url):
        return _error(400, "push payload: repository.clone_url is not a URL")
    watched = config.watched(clone_url)
    if watched is None:
        shown = clone_url if len(clone_url) <= SHOWN_URL else clone_url[:SHOWN_URL] + "..."
        return _ignored(f"{shown} is not on the roster")
    if watched.ref is not None and ref not in {watched.ref, f"refs/heads/{watched.ref}"}:
        return _ignored(f"push to {ref}; the roster grades {watched.ref} of {watched.alias}")
    entry = RosterEntry(alias=watched.alias, repo=watched.clone_url, ref=watched.ref,
                        invited_at=watched.window_start, deadline=watched.deadline)  # fmt: skip
    request = request_for(entry, watched.challenge, ref=after, push_time=received)
    return Verdict(202, {"status": "queued", "alias": watched.alias, "commit": after}, request)


def decide(config: WebConfig, headers: dict[str, str], body: bytes) -> Verdict:
    """Everything but the store: signature, headers, payload, roster."""
    secret = config.webhook_secret
    if secret is None:
        return _error(503, "the webhook is not configured (TAKEHOME_WEBHOOK_SECRET)")
    if not signature_ok(secret, body, headers.get("x-hub-signature-256")):
        return _error(401, "missing or wrong X-Hub-Signature-256")
    event, delivery = headers.get("x-github-event"), headers.get("x-github-delivery")
    if not event or not delivery:
        return _error(400, "X-GitHub-Event and X-GitHub-Delivery headers are required")
    if not _DELIVERY.match(delivery):
        return _error(400, "X-GitHub-Delivery is not a delivery id")
    data = _payload(body, headers.get("content-type", "application/json"))
    if isinstance(data, Verdict):
        return data
    repository = _text(data, "repository", "clone_url") or ""
    if event == "ping":
        verdict = Verdict(200, {"status": "pong"})
    elif event == "push":
        verdict = _push(data, config, datetime.now(UTC))
    else:
        verdict = _ignored(f"{event} events are not graded")
    return replace(verdict, repository=repository)


def handle(config: WebConfig, store: Store, enqueue: Enqueue, headers: dict[str, str],
           body: bytes) -> Verdict:  # fmt: skip
    """Decide, then record the delivery and hand over its submission (once per delivery)."""
    verdict = decide(config, headers, body)
    if verdict.status >= 400:
        return verdict
    delivery, event = headers["x-github-delivery"], headers["x-github-event"]
    if not store.record_delivery(delivery, event, verdict.repository):
        return Verdict(200, {"status": "duplicate", "reason": f"delivery {delivery} was seen"})
    if verdict.request is not None:
        try:
            enqueue(verdict.request)
        except Exception:  # a queue that is down: let GitHub's redelivery try again
            log.exception("delivery %s: the push could not be handed to grading", delivery)
            store.forget_delivery(delivery)
            return _error(503, "the push could not be handed to grading; redeliver it later")
    return verdict


def webhook_router(config: WebConfig, store: Store, enqueue: Enqueue) -> APIRouter:
    router = APIRouter()

    @router.post("/hooks/github")
    async def github(request: Request) -> JSONResponse:
        try:
            body = await read_capped(request, config.max_webhook_body)
        except BodyTooLarge:
            limit = f"{config.max_webhook_body / 1024 / 1024:g} MB"
            return JSONResponse({"error": f"the body is larger than {limit}"}, 413,
                                headers={"connection": "close"})  # fmt: skip
        except BadLength:
            return JSONResponse({"error": "Content-Length is not a number"}, 400)
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            verdict = await run_in_threadpool(handle, config, store, enqueue, headers, body)
        except StoreError as error:
            log.error("webhook: %s", error)
            return JSONResponse({"error": "the store is unavailable; redeliver it later"}, 503)
        return JSONResponse(verdict.body, verdict.status)

    return router
