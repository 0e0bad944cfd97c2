"""The HTML report: an index of ranked pairs and nearest known solutions, and one page per
pair with the matched regions side by side. Self-contained (the stylesheet inlined), every
value autoescaped: file names and code come from candidates."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from graders.similarity.analysis import Comparison
from graders.similarity.blinding import Blinding, blind_pair, blind_report
from graders.similarity.documents import Document
from graders.similarity.errors import SimilarityError
from graders.similarity.model import MatchedRegion, Pair
from graders.similarity.sources import read_text

TEMPLATES = Path(__file__).parent / "templates"
EXCERPT_LINES = 80
"""Lines shown of each side of a region; the rest is cut, and says so."""

_HTML = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Excerpt:
    """Lines ``first``..``first + len(lines) - 1`` of ``file``; ``cut`` when some were left out."""

    file: str
    first: int
    lines: list[str]
    cut: bool


def _same(text: str) -> str:
    return text


def _excerpt(
    document: Document, file: str, span: tuple[int, int], scrub: Callable[[str], str]
) -> Excerpt:
    text = read_text(document.root / file) or ""
    first, last = span
    lines = [scrub(line) for line in text.splitlines()[first - 1 : last]]
    return Excerpt(scrub(file), first, lines[:EXCERPT_LINES], len(lines) > EXCERPT_LINES)


def _sides(
    comparison: Comparison, pair: Pair, region: MatchedRegion, scrub: Callable[[str], str]
) -> tuple[Excerpt, Excerpt]:
    a, b = comparison.documents[pair.a], comparison.documents[pair.b]
    return (_excerpt(a, region.file_a, region.lines_a, scrub),
            _excerpt(b, region.file_b, region.lines_b, scrub))  # fmt: skip


def _pages(comparison: Comparison) -> list[tuple[str, Pair]]:
    report = comparison.report
    paired = [p for p in report.pairs if p.regions]
    known = [k for s in report.submissions for k in s.nearest_known if k.regions]
    return [(f"pair-{n:03d}.html", p) for n, p in enumerate(paired + known, start=1)]


def render_report(comparison: Comparison, blinding: Blinding | None = None) -> dict[str, str]:
    """Every page of the report by file name: ``index.html`` and one per pair with regions;
    with ``blinding``, names, paths and code as a blind reviewer sees them."""
    pages = _pages(comparison)
    report = comparison.report
    scrub: Callable[[str], str] = _same
    shown = [(name, pair) for name, pair in pages]
    if blinding is not None:
        report, scrub = blind_report(report, blinding), blinding.scrub
        shown = [(name, blind_pair(pair, blinding)) for name, pair in pages]
    links = {(pair.a, pair.b, pair.b_kind): name for name, pair in shown}
    css = (TEMPLATES / "similarity.css").read_text(encoding="utf-8")
    rendered = {
        "index.html": _HTML.get_template("index.html.j2").render(
            report=report, links=links, css=css
        )
    }
    for (name, pair), (_, seen) in zip(pages, shown, strict=True):
        regions = [
            (r_seen, *_sides(comparison, pair, r, scrub))
            for r, r_seen in zip(pair.regions, seen.regions, strict=True)
        ]
        rendered[name] = _HTML.get_template("pair.html.j2").render(
            report=report, pair=seen, regions=regions, css=css
        )
    return rendered


def write_report(comparison: Comparison, out: Path, blinding: Blinding | None = None) -> Path:
    """Write the report's pages into ``out`` (created if need be); the index's path."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in render_report(comparison, blinding).items():
            temporary = out / f".{name}.tmp"
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, out / name)
    except OSError as error:
        raise SimilarityError(f"{out}: cannot write the report ({error.strerror})") from error
    return out / "index.html"
