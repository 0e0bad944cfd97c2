"""Rendering a scorecard as a self-contained HTML page, Markdown and JSON, written atomically.

jinja2 runs with StrictUndefined so a template that names a missing field fails in tests,
not silently in a reviewer's browser; HTML autoescaping is on, and Markdown goes through
its own escaping filter, because every string that came from the candidate is hostile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from graders.hidden_suite import CaseStatus
from reports.scorecard import AutoRow, CaseEntry, HumanRow, Rating, Scorecard

TEMPLATES = Path(__file__).parent / "templates"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_STATUS_ORDER = {
    CaseStatus.TIMEOUT: 0,
    CaseStatus.ERROR: 1,
    CaseStatus.FAILED: 2,
    CaseStatus.NOT_RUN: 3,
    CaseStatus.SKIPPED: 4,
    CaseStatus.PASSED: 5,
}


def md_escape(value: object) -> str:
    """Text safe inside Markdown: markup characters escaped, HTML made inert, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(value: object) -> str:
    """A fenced block that the content cannot close: the fence is longer than any run inside."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def points(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 2):g}"


def failures_first(results: list[CaseEntry]) -> list[CaseEntry]:
    return sorted(results, key=lambda entry: (_STATUS_ORDER[entry.status], entry.node_id))


def ratings_for(card: Scorecard, row_id: str) -> list[tuple[str, Rating]]:
    """Each reviewer's rating of one row, for the finalized report."""
    return [
        (review.reviewer, rating)
        for review in card.reviews
        for rating in review.ratings
        if rating.row == row_id
    ]


def disputed(card: Scorecard) -> set[str]:
    return {d.row for d in card.decision.disagreements} if card.decision else set()


_OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


def compiled_cache(autoescape: bool, directory: Path | None = None) -> jinja2.BytecodeCache | None:
    """Templates compiled once per machine, not once per process: compiling the report's two
    takes about 0.1 s, a tenth of a one-shot grade. jinja2 keys each file by the template's
    path and checks it against a hash of its source; the options it was compiled with are in
    the file names here, so a change of options compiles afresh. By default in jinja2's own
    per-user directory, which it creates 0700 and refuses if another user owns it. None (no
    cache, compile each time) where that cannot be had."""
    shape = repr((autoescape, sorted((k, getattr(v, "__name__", v)) for k, v in _OPTIONS.items()),
                  jinja2.__version__))  # fmt: skip
    pattern = f"takehome-report-{hashlib.sha256(shape.encode()).hexdigest()[:16]}-%s.cache"
    try:
        return jinja2.FileSystemBytecodeCache(None if directory is None else str(directory),
                                              pattern)  # fmt: skip
    except (OSError, RuntimeError):
        return None


def _environment(autoescape: bool, cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The jinja2 environment of every template: strict undefined, report filters."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,  # noqa: S701 (Markdown escapes through its own md filter)
        bytecode_cache=cache,
        **_OPTIONS,
    )
    environment.filters.update(md=md_escape, md_code=md_code, points=points)
    environment.globals.update(
        failures_first=failures_first, ratings_for=ratings_for, disputed=disputed
    )
    environment.tests.update(
        auto=lambda row: isinstance(row, AutoRow), human=lambda row: isinstance(row, HumanRow)
    )
    return environment


_HTML = _environment(autoescape=True, cache=compiled_cache(autoescape=True))
_MARKDOWN = _environment(autoescape=False, cache=compiled_cache(autoescape=False))


def prepare() -> None:
    """Compile the report templates now (about 0.1 s), so that a caller with time to spare
    (a one-shot grade while its container runs) does not pay for it when the reports are due;
    the environments keep what they compiled."""
    _HTML.get_template("report.html.j2")
    _MARKDOWN.get_template("report.md.j2")
    _stylesheet()


@cache
def _stylesheet() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def render_page(template: str, **context: object) -> str:
    """A self-contained HTML page: the report stylesheet inlined, everything autoescaped."""
    return _HTML.get_template(template).render(css=_stylesheet(), **context)


def review_link(scorecard: Scorecard, review_url: str | None) -> str | None:
    """Where the review app rates this scorecard's human rows, if a review app is configured:
    ``{review_url}/review/find/{challenge id}/{submission id}``, each part URL-quoted."""
    if not review_url:
        return None
    parts = (quote(part, safe="") for part in (scorecard.challenge.id, scorecard.submission.id))
    return f"{review_url.rstrip('/')}/review/find/{'/'.join(parts)}"


def render_html(scorecard: Scorecard, review_url: str | None = None) -> str:
    """The report page; the human rows read-only, linked to the review app when
    ``review_url`` (the app's base URL) is given."""
    return render_page(
        "report.html.j2", card=scorecard, review_link=review_link(scorecard, review_url)
    )


def render_markdown(scorecard: Scorecard) -> str:
    return _MARKDOWN.get_template("report.md.j2").render(card=scorecard)


def render_json(scorecard: Scorecard) -> str:
    return scorecard.model_dump_json(indent=2) + "\n"


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class StagedReports:
    """A scorecard's report files written beside their final names, not yet in place.

    A finalize must land whole: the reports and the store's decision together, or neither.
    Everything is rendered and written first; ``commit`` then only renames, and ``discard``
    leaves the previous reports as they were."""

    NAMES = ("scorecard.json", "report.html", "report.md")

    def __init__(
        self, scorecard: Scorecard, directory: Path, review_url: str | None = None
    ) -> None:
        rendered = {
            "scorecard.json": render_json(scorecard),
            "report.html": render_html(scorecard, review_url),
            "report.md": render_markdown(scorecard),
        }
        directory.mkdir(parents=True, exist_ok=True)
        self.paths = {name: directory / name for name in self.NAMES}
        self._staged: dict[str, str] = {}
        try:
            for name, text in rendered.items():
                handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
                self._staged[name] = temporary
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> dict[str, Path]:
        for name, temporary in self._staged.items():
            os.replace(temporary, self.paths[name])
        self._staged = {}
        return self.paths

    def discard(self) -> None:
        for temporary in self._staged.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        self._staged = {}


def write_reports(
    scorecard: Scorecard, directory: Path, review_url: str | None = None
) -> dict[str, Path]:
    """scorecard.json, report.html and report.md in ``directory``, all rendered and written
    before any is put in place, so a template error or a full disk leaves the previous
    reports as they were rather than a mix of old and new. With ``review_url`` (the review
    app's base URL) the HTML report links each human row to the page that rates it."""
    return StagedReports(scorecard, directory, review_url).commit()
