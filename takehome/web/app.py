"""The web application: the GitHub webhook, the candidate portal and the review app on one
FastAPI app.

Everything it depends on is passed in, so ``takehome serve``, tests and a future Celery setup
differ only in what they pass: the store, the config, and ``enqueue``, a plain callable that
hands a ``GradeRequest`` to grading (a thread pool here, a queue elsewhere). The app itself
never grades, clones or touches Docker.
"""

from __future__ import annotations

from fastapi import FastAPI

from runner.store.runs import Store
from takehome.web.config import Enqueue, WebConfig
from takehome.web.http import SecurityHeaders
from takehome.web.manage_routes import manage_router
from takehome.web.portal import portal_router
from takehome.web.review_routes import review_router
from takehome.web.review_session import ReviewConfig
from takehome.web.review_static import static_router
from takehome.web.webhook import webhook_router


def create_app(
    config: WebConfig, store: Store, enqueue: Enqueue, review: ReviewConfig | None = None
) -> FastAPI:
    """The ASGI app of the web surfaces (no interactive docs: nothing here is for browsing)."""
    app = FastAPI(title="takehome", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(webhook_router(config, store, enqueue))
    app.include_router(portal_router(config, store, enqueue))
    review = review or ReviewConfig(public_url=config.public_url)
    app.include_router(review_router(review, store))
    app.include_router(manage_router(review, store))
    app.include_router(static_router())
    app.add_middleware(SecurityHeaders)
    return app
