"""The candidate portal: an invitation link shows the spec and starts the clock, its form takes
the repository URL once, and its result page shows the candidate view and nothing more.

The link is the candidate's credential (see ``tokens``). A repository URL is checked by
``check_url`` against the challenge's allowed hosts before anything else happens: a refused URL
never reaches git, a socket or the queue, and leaves the invitation unused so the candidate can
correct it. Staff-trusted hosts do not apply here: a candidate gets the challenge's list only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from challenges.base_error import TakehomeError
from challenges.load import Challenge
from challenges.units import parse_duration
from graders.history.time_window import TimeWindow
from reports.candidate import candidate_view
from runner.errors import RepoRejected
from runner.intake.url_policy import UrlPolicy, check_url
from runner.pipeline import GradeRequest
from runner.store.runs import Invitation, Store, StoreError
from takehome.web import tokens
from takehome.web.config import MAX_FORM_BODY, Enqueue, WebConfig
from takehome.web.http import BadLength, BodyTooLarge, read_capped
from takehome.web.pages import page, refused, spec_html

log = logging.getLogger(__name__)

MAX_URL = 2000
UNAVAILABLE = "We cannot take your request right now; please try again in a few minutes."
NOT_VALID = "This link is not valid. Check that you copied all of it, or ask us for a new one."


class Refused(Exception):
    """The link cannot be used for this request; the page says why."""

    def __init__(self, message: str, status: int = 403, result_url: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.result_url = message, status, result_url


def _window_end(invitation: Invitation, challenge: Challenge) -> datetime | None:
    """When the candidate's time ends: the window from the first opening, or the deadline if
    that comes first. A window no date can hold (past year 9999) is refused with a reason,
    not a server error."""
    try:
        return TimeWindow(
            start=invitation.opened_at,
            length_seconds=parse_duration(challenge.config.time_window),
            deadline=invitation.deadline,
        ).end()
    except (ValueError, OverflowError):
        raise Refused("This challenge's time window cannot be computed; contact us.",
                      400) from None  # fmt: skip


@dataclass(frozen=True)
class Portal:
    config: WebConfig
    store: Store
    enqueue: Enqueue

    def secret(self) -> str:
        if self.config.portal_secret is None:
            raise Refused("The portal is not configured (TAKEHOME_PORTAL_SECRET).", 503)
        return self.config.portal_secret

    def admit(self, token: str, for_result: bool = False) -> Invitation:
        """The invitation of a genuine link; Refused when it is forged, used or expired
        (the result page stays readable after use and after the deadline)."""
        secret = self.secret()
        invitation_id = tokens.token_id(token)
        invitation = self.store.invitation(invitation_id) if invitation_id else None
        if invitation is None or not tokens.link_ok(secret, invitation, token):
            raise Refused(NOT_VALID)
        if for_result:
            return invitation
        if invitation.used_at is not None:
            raise Refused(f"This invitation was already used: we received your repository on "
                          f"{invitation.used_at:%Y-%m-%d at %H:%M} UTC. An invitation takes one "
                          "submission.", result_url=f"/invite/{token}/result")  # fmt: skip
        if invitation.deadline is not None and datetime.now(UTC) > invitation.deadline:
            raise Refused(f"This invitation expired on {invitation.deadline:%Y-%m-%d at %H:%M} "
                          "UTC. Ask us for a new one if you need more time.")  # fmt: skip
        return invitation

    def challenge(self, invitation: Invitation) -> Challenge:
        try:
            return self.config.challenges(invitation.challenge_id)
        except TakehomeError:
            raise Refused("This challenge is not available right now; contact us.", 503) from None

    def invite_page(self, token: str, invitation: Invitation, challenge: Challenge,
                    error: str | None = None, repo_url: str = "") -> HTMLResponse:  # fmt: skip
        window_end = _window_end(invitation, challenge)
        return page(
            "invite.html.j2", 400 if error else 200, title=challenge.config.title,
            time_window=challenge.config.time_window, invitation=invitation,
            window_end=window_end, spec=spec_html(challenge.root / "spec.md"),
            action=f"/invite/{token}", csrf=tokens.form_token(self.secret(), invitation),
            allowed_hosts=challenge.config.allowed_hosts, error=error, repo_url=repo_url,
            late_commits_graded=challenge.config.measure.late_policy == "head",
        )  # fmt: skip

    def show(self, token: str) -> HTMLResponse:
        invitation = self.admit(token)
        challenge = self.challenge(invitation)
        opened = self.store.open_invitation(invitation.id)  # the clock starts here, once
        return self.invite_page(token, opened, challenge)

    def submit(self, token: str, form: dict[str, list[str]]) -> HTMLResponse:
        invitation = self.admit(token)
        if not tokens.form_ok(self.secret(), invitation, form.get("csrf", [""])[0]):
            raise Refused("This form did not come from your invitation page (or it is out of "
                          "date). Open your invitation link again and resubmit.")  # fmt: skip
        challenge = self.challenge(invitation)
        invitation = self.store.open_invitation(invitation.id)
        url = form.get("repo_url", [""])[0].strip()
        policy = UrlPolicy(allowed_hosts=challenge.config.allowed_hosts,
                           resolver=self.config.resolver)  # fmt: skip
        try:
            if not url or len(url) > MAX_URL:
                raise RepoRejected("enter the https URL of your repository")
            check_url(url, policy)
        except RepoRejected as error:
            return self.invite_page(token, invitation, challenge, str(error), url[:MAX_URL])
        if not self.store.use_invitation(invitation.id):  # a second submission racing this one
            raise Refused("This invitation was already used. An invitation takes one "
                          "submission.", result_url=f"/invite/{token}/result")  # fmt: skip
        try:
            self.enqueue(GradeRequest(
                source=url, challenge=challenge, submission_id=invitation.alias,
                window_start=invitation.opened_at, deadline=invitation.deadline,
                candidate_names=(invitation.alias,),
            ))  # fmt: skip
        except Exception:  # a queue that is down: the link must stay usable
            log.exception("invitation %s: the submission could not be queued", invitation.id)
            self.store.release_invitation(invitation.id)
            raise Refused(UNAVAILABLE, 503) from None
        self.store.audit(f"candidate:{invitation.alias}", "submit",
                         f"invitation:{invitation.id}", {"source": url})  # fmt: skip
        return page("receipt.html.j2", title=challenge.config.title, repo_url=url,
                    received=datetime.now(UTC), result_url=f"/invite/{token}/result")  # fmt: skip

    def result(self, token: str) -> HTMLResponse:
        invitation = self.admit(token, for_result=True)
        challenge = self.challenge(invitation)
        card = None
        if invitation.used_at is not None:  # a grade stored since: this submission's
            card = self.store.latest_scorecard(
                challenge.config.id, invitation.alias, after=invitation.scorecards_before or 0
            )
        view = candidate_view(card, challenge) if card else None
        return page("result.html.j2", title=challenge.config.title, view=view,
                    submitted=invitation.used_at, back=f"/invite/{token}")  # fmt: skip


def portal_router(config: WebConfig, store: Store, enqueue: Enqueue) -> APIRouter:
    portal = Portal(config, store, enqueue)
    router = APIRouter()

    def run(step: str, token: str, form: dict[str, list[str]] | None = None) -> HTMLResponse:
        try:
            if step == "show":
                return portal.show(token)
            if step == "result":
                return portal.result(token)
            return portal.submit(token, form or {})
        except Refused as why:
            return refused(why.message, why.status, why.result_url)
        except StoreError as error:
            log.error("portal: %s", error)
            return refused(UNAVAILABLE, 503)

    @router.get("/invite/{token}")
    async def show(token: str) -> HTMLResponse:
        return await run_in_threadpool(run, "show", token)

    @router.post("/invite/{token}")
    async def submit(token: str, request: Request) -> HTMLResponse:
        try:
            body = await read_capped(request, MAX_FORM_BODY)
        except (BodyTooLarge, BadLength):
            return refused("The form is too large.", 413)
        try:
            form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
        except ValueError:
            return refused("The form has too many fields.", 400)
        return await run_in_threadpool(run, "submit", token, form)

    @router.get("/invite/{token}/result")
    async def result(token: str) -> HTMLResponse:
        return await run_in_threadpool(run, "result", token)

    return router
