"""The reviewer's side of ``takehome serve``: signing in with a one-time link, the queue,
and the review page with its saves. Thin: every rule lives in ``runner.review_desk``.

Each page that shows a submission needs a session; a reviewer reaches only what is assigned
to them (anything else is a 404, the same as a submission that does not exist).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

from challenges.base_error import TakehomeError
from runner.review_desk import review_page
from runner.review_desk.accounts import SignedIn, sign_in, sign_out
from runner.review_desk.blinding import label
from runner.review_desk.review_page import DeskError
from runner.store.drafts import DraftConflict
from runner.store.runs import Store
from takehome.web.http import BodyTooLarge, read_capped
from takehome.web.pages import page
from takehome.web.review_forms import ratings_of, version_of
from takehome.web.review_session import (
    COOKIE,
    BadForm,
    NotSignedIn,
    ReviewConfig,
    form_of,
    signed_in,
    to_sign_in,
    wants_json,
)

Handler = Callable[[SignedIn], Awaitable[Response]]


def problem(request: Request, message: str, status: int) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return page("review/problem.html.j2", status, title="takehome review", message=message)


async def guarded(request: Request, store: Store, handler: Handler) -> Response:
    """Run ``handler`` for the signed-in reviewer; every refusal is a page (or JSON) with
    one sentence, never a traceback."""
    try:
        who = await signed_in(request, store)
        return await handler(who)
    except NotSignedIn:
        if request.method == "GET":
            return to_sign_in()
        return problem(request, "you are signed out; sign in again (nothing was saved)", 401)
    except BadForm as error:
        return problem(request, error.message, error.status)
    except DeskError as error:
        if error.version is not None and wants_json(request):
            return JSONResponse({"error": str(error), "version": error.version},
                                status_code=error.status)  # fmt: skip
        return problem(request, str(error), error.status)
    except DraftConflict as error:
        if wants_json(request):
            return JSONResponse({"error": str(error), "version": error.current.version},
                                status_code=409)  # fmt: skip
        return problem(request, str(error), 409)
    except TakehomeError as error:  # the store: a refused write, a database down
        return problem(request, str(error), 409)


def review_router(config: ReviewConfig, store: Store) -> APIRouter:
    router = APIRouter()

    @router.get("/login")
    async def login_help() -> Response:
        return page("review/login.html.j2", title="Sign in", token=None, error=None)

    @router.get("/login/{token}")
    async def login_page(token: str) -> Response:
        # Spent by the POST only: a link previewer that fetches the URL signs nobody in.
        return page("review/login.html.j2", title="Sign in", token=token[:200], error=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        try:
            body = await read_capped(request, 4096)
        except (BodyTooLarge, ValueError):
            return page("review/login.html.j2", 400, title="Sign in", token=None,
                        error="the sign-in form could not be read")  # fmt: skip
        token = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0]
        found = await run_in_threadpool(sign_in, store, token)
        if isinstance(found, str):
            return page("review/login.html.j2", 403, title="Sign in", token=None, error=found)
        _, cookie = found
        response = RedirectResponse("/review", status_code=303)
        response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict",
                            secure=config.secure_cookie, path="/")  # fmt: skip
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        async def handle(who: SignedIn) -> Response:
            await form_of(request, who)
            await run_in_threadpool(sign_out, store, request.cookies.get(COOKIE, ""))
            response = RedirectResponse("/login", status_code=303)
            response.delete_cookie(COOKIE, path="/")
            return response

        return await guarded(request, store, handle)

    @router.get("/review")
    async def queue(request: Request) -> Response:
        async def handle(who: SignedIn) -> Response:
            def entries() -> list[object]:
                store.assign_pending(config.per_submission)
                return list(store.queue(who.reviewer.id, everything=who.reviewer.is_manager))

            listed = await run_in_threadpool(entries)
            return page("review/queue.html.j2", title="Review queue", who=who, entries=listed,
                        label=label)  # fmt: skip

        return await guarded(request, store, handle)

    @router.get("/review/find/{challenge}/{card_id}")
    async def find(request: Request, challenge: str, card_id: str) -> Response:
        async def handle(who: SignedIn) -> Response:
            found = await run_in_threadpool(store.submission_of_card, challenge, card_id)
            if found is None:
                raise DeskError("no submission of that name is in the store", status=404)
            where = "manage" if who.reviewer.is_manager else "review"
            return RedirectResponse(f"/{where}/{found}", status_code=303)

        return await guarded(request, store, handle)

    @router.get("/review/{submission_id:int}")
    async def review(request: Request, submission_id: int) -> Response:
        async def handle(who: SignedIn) -> Response:
            shown = await run_in_threadpool(review_page.open_review, store, who.reviewer,
                                            submission_id, config.blind, config.code)  # fmt: skip
            return page("review/review.html.j2", title=f"Review {shown.label}", who=who,
                        view=shown)  # fmt: skip

        return await guarded(request, store, handle)

    @router.post("/review/{submission_id:int}")
    async def change(request: Request, submission_id: int) -> Response:
        async def handle(who: SignedIn) -> Response:
            form = await form_of(request, who)
            action = form.get("action", ["save"])[-1]
            version = version_of(form)
            if action == "confirm":
                draft = await run_in_threadpool(review_page.move_to_latest, store, who.reviewer,
                                                submission_id, version)  # fmt: skip
            elif action in {"save", "submit"}:
                act = review_page.submit if action == "submit" else review_page.save
                draft = await run_in_threadpool(act, store, who.reviewer, submission_id,
                                                version, ratings_of(form))  # fmt: skip
            else:
                raise DeskError(f"action: {action[:20]!r} is not save, submit or confirm")
            if wants_json(request):
                return JSONResponse({"version": draft.version,
                                     "submitted": draft.submitted_at is not None})  # fmt: skip
            return RedirectResponse(f"/review/{submission_id}", status_code=303)

        return await guarded(request, store, handle)

    @router.post("/review/{submission_id:int}/heartbeat")
    async def heartbeat(request: Request, submission_id: int) -> Response:
        async def handle(who: SignedIn) -> Response:
            await form_of(request, who)
            review_page.check_number(submission_id)
            await run_in_threadpool(store.heartbeat, submission_id, who.reviewer.id)
            return Response(status_code=204)

        return await guarded(request, store, handle)

    return router
