"""The portal's HTML: jinja2 with autoescaping, one self-contained page per response.

Autoescaping is on for everything; the only markup that is not escaped is the challenge's own
spec, rendered by markdown-it with raw HTML disabled (so a ``<script>`` in a spec is text) and
its link validation on (no ``javascript:`` links). Nothing here ever receives a scorecard:
the result page gets a ``CandidateView``, the allow-listed part of it.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.responses import HTMLResponse

from reports.flag_levels import is_alarm

TEMPLATES = Path(__file__).parent / "templates"


def moment(value: datetime | None) -> str:
    """A time as candidates read it: UTC to the minute."""
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["moment"] = moment
    environment.globals["flag_is_alarm"] = is_alarm
    return environment


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def spec_html(spec_path: Path) -> Markup:
    """The challenge's spec.md as HTML (raw HTML in it escaped); a note when it is missing."""
    try:
        text = spec_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Markup("<p>The challenge statement is not available; contact us.</p>")
    return Markup(_markdown().render(text))  # noqa: S704  (markdown-it escapes, html off)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = _environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status)


def refused(message: str, status: int = 403, result_url: str | None = None) -> HTMLResponse:
    """The page of a link that cannot be used (forged, expired, already used...)."""
    return page("refused.html.j2", status, message=message, result_url=result_url)
