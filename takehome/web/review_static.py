"""The review app's script and stylesheet, served from the app itself (the pages' Content
Security Policy allows scripts and styles from here and nowhere else)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import Response

from reports.render.code_view import code_view_css

STATIC = Path(__file__).parent / "static"


@cache
def _script() -> bytes:
    return (STATIC / "review.js").read_bytes()


@cache
def _stylesheet() -> bytes:
    own = (STATIC / "review.css").read_text(encoding="utf-8")
    return (own + "\n" + code_view_css()).encode("utf-8")


def static_router() -> APIRouter:
    router = APIRouter()

    @router.get("/static/review.js")
    async def script() -> Response:
        return Response(_script(), media_type="text/javascript; charset=utf-8")

    @router.get("/static/review.css")
    async def stylesheet() -> Response:
        return Response(_stylesheet(), media_type="text/css; charset=utf-8")

    return router
