"""Who is asking: the session cookie, the CSRF check, and the review app's settings.

The cookie is HttpOnly and SameSite=Strict (Secure behind https), so another site can
neither read it nor send it; every POST also carries the session's CSRF token (a form field,
or the ``X-CSRF-Token`` header of the page's script), compared in constant time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from runner.review_desk.accounts import SignedIn, same_token, session_of
from runner.review_desk.blinding import CodeCache
from runner.store.runs import Store
from takehome.web.http import BadLength, BodyTooLarge, read_capped

COOKIE = "takehome_session"
MAX_REVIEW_FORM = 512 * 1024
"""A review's form: a dozen rows of justifications capped at 20,000 characters each."""


@dataclass(frozen=True)
class ReviewConfig:
    public_url: str
    per_submission: int = 2
    blind: bool = True
    code: CodeCache = field(default_factory=CodeCache)

    @property
    def secure_cookie(self) -> bool:
        return self.public_url.startswith("https://")


class NotSignedIn(Exception):
    """The request needs a session (pages redirect to the sign-in page, saves answer 401)."""


class BadForm(Exception):
    """The body is too large, malformed, or lacks the session's CSRF token."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


async def signed_in(request: Request, store: Store) -> SignedIn:
    found = await run_in_threadpool(session_of, store, request.cookies.get(COOKIE))
    if found is None:
        raise NotSignedIn
    return found


async def form_of(request: Request, who: SignedIn) -> dict[str, list[str]]:
    """The POSTed form, once its CSRF token (field or header) matches the session's."""
    try:
        body = await read_capped(request, MAX_REVIEW_FORM)
    except BodyTooLarge:
        raise BadForm("the form is too large", 413) from None
    except BadLength:
        raise BadForm("bad Content-Length") from None
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=2000)
    except (UnicodeDecodeError, ValueError):
        raise BadForm("the form could not be read") from None
    token = request.headers.get("x-csrf-token") or form.get("csrf", [None])[0]
    if not same_token(token, who.csrf):
        raise BadForm("this form is out of date or did not come from the review app; reload "
                      "the page", 403)  # fmt: skip
    return form


def to_sign_in() -> Response:
    return RedirectResponse("/login", status_code=303)


def wants_json(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"
