"""The candidate portal: an invitation link shows the spec and starts the clock, its form takes
the repository URL once, and its result page shows the candidate view and nothing more.

The link is the candidate's credential (see ``tokens``). A repository URL is checked by
``check_url`` against the challenge's allowed hosts before anything else happens: a refused URL
never reaches git, a socket or the queue, and leaves the invitation unused so the candidate can
correct it. Staff-trusted hosts do not apply here: a candidate gets the challenge's list only.

A repository that grading could not fetch (private, mistyped, empty) does not spend the link:
until the deadline, the invitation page says what was wrong and takes a repository again. The
page also offers the handout (spec, starter, visible files) as a zip, under the same checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from challenges.base_error import TakehomeError
from challenges.handout import handout_files, zip_bytes
from challenges.load import Challenge
from challenges.units import parse_duration
from graders.base import Outcome
from graders.history.time_window import TimeWindow
from graders.text import clean
from reports.candidate import candidate_view
from reports.scorecard import Scorecard
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
NO_HANDOUT = "The files of this challenge are not available right now; contact us."
PRIVATE_HINTS = ("could not read username", "repository not found", "not found",
                 "authentication", "terminal prompts disabled", "access denied")  # fmt: skip


class Refused(Exception):
    """The link cannot be used for this request; the page says why."""

    def __init__(self, message: str, status: int = 403, result_url: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.result_url = message, status, result_url


def without_title(spec: Markup) -> Markup:
    """The spec without its leading ``# Title`` line: the page shows the title once, above."""
    html = str(spec)
    if html.startswith("<h1>") and "</h1>" in html:
        return Markup(html.split("</h1>", 1)[1].lstrip("\n"))  # noqa: S704  (already escaped)
    return spec


def fetch_problem(card: Scorecard) -> str:
    """What went wrong taking the repository in, in words for the candidate."""
    reason = clean(card.reason, 300).strip().rstrip(".") or "it could not be fetched"
    words = f"We could not fetch {clean(card.submission.source, 300)}: {reason}."
    if any(hint in reason.lower() for hint in PRIVATE_HINTS):
        words += " Check the address, and that the repository is public (or shared with us)."
    return words + " Correct it and submit again."


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
        (the result page stays readable after use and after the deadline; a link whose
        repository could not be fetched is not spent)."""
        secret = self.secret()
        invitation_id = tokens.token_id(token)
        invitation = self.store.invitation(invitation_id) if invitation_id else None
        if invitation is None or not tokens.link_ok(secret, invitation, token):
            raise Refused(NOT_VALID)
        if for_result:
            return invitation
        if invitation.used_at is not None and self.rejected(invitation) is None:
            raise Refused(f"This invitation was already used: we received your repository on "
                          f"{invitation.used_at:%Y-%m-%d at %H:%M} UTC. An invitation takes one "
                          "submission.", result_url=f"/invite/{token}/result")  # fmt: skip
        if invitation.deadline is not None and datetime.now(UTC) > invitation.deadline:
            raise Refused(f"This invitation expired on {invitation.deadline:%Y-%m-%d at %H:%M} "
                          "UTC. Ask us for a new one if you need more time.")  # fmt: skip
        return invitation

    def rejected(self, invitation: Invitation) -> Scorecard | None:
        """The grade of the invitation's submission when its repository could not be taken
        in (so the candidate may submit again); None otherwise or while it is being graded."""
        if invitation.used_at is None:
            return None
        card = self.store.latest_scorecard(invitation.challenge_id, invitation.alias,
                                           after=invitation.scorecards_before or 0)  # fmt: skip
        return card if card is not None and card.outcome is Outcome.REPO_REJECTED else None

    def challenge(self, invitation: Invitation) -> Challenge:
        try:
            return self.config.challenges(invitation.challenge_id)
        except TakehomeError:
            raise Refused("This challenge is not available right now; contact us.", 503) from None

    def invite_page(self, token: str, invitation: Invitation, challenge: Challenge,
                    error: str | None = None, repo_url: str = "",
                    not_fetched: bool = False) -> HTMLResponse:  # fmt: skip
        window_end = _window_end(invitation, challenge)
        return page(
            "invite.html.j2", 400 if error and not not_fetched else 200,
            title=challenge.config.title, not_fetched=not_fetched,
            time_window=challenge.config.time_window, invitation=invitation,
            window_end=window_end, spec=without_title(spec_html(challenge.root / "spec.md")),
            action=f"/invite/{token}", csrf=tokens.form_token(self.secret(), invitation),
            handout_url=f"/invite/{token}/handout.zip",
            allowed_hosts=challenge.config.allowed_hosts, error=error, repo_url=repo_url,
            late_commits_graded=challenge.config.measure.late_policy == "head",
        )  # fmt: skip

    def show(self, token: str) -> HTMLResponse:
        invitation = self.admit(token)
        challenge = self.challenge(invitation)
        opened = self.store.open_invitation(invitation.id)  # the clock starts here, once
        card = self.rejected(opened)
        if card is not None:
            return self.invite_page(token, opened, challenge, fetch_problem(card),
                                    card.submission.source[:MAX_URL], not_fetched=True)  # fmt: skip
        return self.invite_page(token, opened, challenge)

    def handout(self, token: str) -> Response:
        """The handout as a zip download; the clock starts as when the page is opened."""
        invitation = self.admit(token)
        challenge = self.challenge(invitation)
        self.store.open_invitation(invitation.id)
        try:
            files = handout_files(challenge.root, challenge.config.tests.dir)
        except TakehomeError as error:
            log.error("invitation %s: no handout: %s", invitation.id, error)
            raise Refused(NO_HANDOUT, 503) from None
        disposition = f'attachment; filename="{challenge.config.id}-handout.zip"'
        return Response(zip_bytes(files, challenge.config.id), media_type="application/zip",
                        headers={"content-disposition": disposition})  # fmt: skip

    def submit(self, token: str, form: dict[str, list[str]]) -> HTMLResponse:
        invitation = self.admit(token)
        if not tokens.form_ok(self.secret(), invitation, form.get("csrf", [""])[0]):
            raise Refused("This form did not come from your invitation page (or it is out of "
                          "date). Open your invitation link again and resubmit.")  # fmt: skip
        challenge = self.challenge(invitation)
        retried = invitation.used_at  # set: admitted because its repository was not fetched
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
        if not self.store.use_invitation(invitation.id, retried):  # another submission won
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
        retry = None
        if card is not None and card.outcome is Outcome.REPO_REJECTED:
            retry = fetch_problem(card) if not self._expired(invitation) else None
        return page("result.html.j2", title=challenge.config.title, view=view,
                    submitted=invitation.used_at, back=f"/invite/{token}",
                    retry=retry)  # fmt: skip

    @staticmethod
    def _expired(invitation: Invitation) -> bool:
        return invitation.deadline is not None and datetime.now(UTC) > invitation.deadline


def portal_router(config: WebConfig, store: Store, enqueue: Enqueue) -> APIRouter:
    portal = Portal(config, store, enqueue)
    router = APIRouter()

    def run(step: str, token: str, form: dict[str, list[str]] | None = None) -> Response:
        try:
            if step == "show":
                return portal.show(token)
            if step == "result":
                return portal.result(token)
            if step == "handout":
                return portal.handout(token)
            return portal.submit(token, form or {})
        except Refused as why:
            return refused(why.message, why.status, why.result_url)
        except StoreError as error:
            log.error("portal: %s", error)
            return refused(UNAVAILABLE, 503)

    @router.get("/invite/{token}")
    async def show(token: str) -> Response:
        return await run_in_threadpool(run, "show", token)

    @router.post("/invite/{token}")
    async def submit(token: str, request: Request) -> Response:
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
    async def result(token: str) -> Response:
        return await run_in_threadpool(run, "result", token)

    @router.get("/invite/{token}/handout.zip")
    async def handout(token: str) -> Response:
        return await run_in_threadpool(run, "handout", token)

    return router
