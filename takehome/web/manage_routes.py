"""The manager's side of ``takehome serve``: the cohort with flags, review progress and
decisions; a submission's ratings side by side; the decision and reopening. Thin over
``runner.review_desk.deciding``; a reviewer who is not a manager is refused.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from reports.analytics.funnel import funnel
from reports.analytics.html import render_calibration_html
from reports.analytics.report import calibration_report
from reports.flag_levels import alarms
from reports.scorecard import Recommendation
from runner.review_desk import deciding
from runner.review_desk.accounts import SignedIn
from runner.review_desk.blinding import label
from runner.review_desk.review_page import DeskError
from runner.store.runs import Store
from takehome.web.pages import page
from takehome.web.review_routes import guarded
from takehome.web.review_session import ReviewConfig, form_of


def _manager(who: SignedIn) -> None:
    if not who.reviewer.is_manager:
        raise DeskError("this page is for managers", status=403)


def _manage_link(name: str) -> str | None:
    number = name.removeprefix("submission-")
    return f"/manage/{number}" if number.isdigit() else None


def calibration_page(store: Store, challenge: str | None) -> str | None:
    """The calibration report of the store's reviews, submissions under the app's blind
    names with links to their decision pages; None when there is nothing to report on."""
    ratings, cards = store.completed_ratings(challenge, name=label)
    if not ratings:
        return None
    report = calibration_report(ratings, cards, funnel(store.funnel_records(challenge)))
    return render_calibration_html(report, link=_manage_link, back="/manage")


def manage_router(config: ReviewConfig, store: Store) -> APIRouter:
    router = APIRouter()

    @router.get("/manage")
    async def cohort(request: Request) -> Response:
        async def handle(who: SignedIn) -> Response:
            _manager(who)
            rows = await run_in_threadpool(store.progress)
            stamp = await run_in_threadpool(store.changes_stamp)
            return page("review/cohort.html.j2", title="Cohort", who=who, rows=rows,
                        label=label, stamp=stamp, per_submission=config.per_submission)  # fmt: skip

        return await guarded(request, store, handle)

    @router.get("/manage/stamp")
    async def stamp(request: Request) -> Response:
        async def handle(who: SignedIn) -> Response:
            _manager(who)
            return JSONResponse({"stamp": await run_in_threadpool(store.changes_stamp)})

        return await guarded(request, store, handle)

    @router.get("/manage/calibration")
    async def calibration(request: Request, challenge: str | None = None) -> Response:
        async def handle(who: SignedIn) -> Response:
            _manager(who)
            html = await run_in_threadpool(calibration_page, store, challenge)
            if html is None:
                which = f" of {challenge[:80]}" if challenge else ""
                raise DeskError(f"no completed reviews yet{which}", status=404)
            return HTMLResponse(html)

        return await guarded(request, store, handle)

    @router.get("/manage/{submission_id:int}")
    async def decision(request: Request, submission_id: int) -> Response:
        async def handle(who: SignedIn) -> Response:
            shown = await run_in_threadpool(deciding.decision_page, store, who.reviewer,
                                            submission_id, config.blind)  # fmt: skip
            return page("review/decide.html.j2", title=f"Decide {shown.label}", who=who,
                        view=shown, alarms=alarms(shown.card.flags),
                        recommendations=list(Recommendation))  # fmt: skip

        return await guarded(request, store, handle)

    @router.post("/manage/{submission_id:int}")
    async def act(request: Request, submission_id: int) -> Response:
        async def handle(who: SignedIn) -> Response:
            form = await form_of(request, who)
            action = form.get("action", [""])[-1]
            reason = form.get("reason", [""])[-1][:5000]
            if action == "decide":
                recommendation = form.get("recommendation", [""])[-1]
                await run_in_threadpool(deciding.decide, store, who.reviewer, submission_id,
                                        recommendation, reason)  # fmt: skip
            elif action == "reopen":
                await run_in_threadpool(deciding.reopen, store, who.reviewer, submission_id,
                                        reason)  # fmt: skip
            else:
                raise DeskError(f"action: {action[:20]!r} is not decide or reopen")
            return RedirectResponse(f"/manage/{submission_id}", status_code=303)

        return await guarded(request, store, handle)

    return router
