"""The cohort index page: one self-contained HTML table linking every submission's report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reports.render import render_page, write_text_atomically
from reports.scorecard import Scorecard


def render_index(cards: Sequence[Scorecard], title: str) -> str:
    ordered = sorted(cards, key=lambda card: card.submission.id)
    return render_page("index.html.j2", cards=ordered, title=title)


def write_index(cards: Sequence[Scorecard], title: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    write_text_atomically(path, render_index(cards, title))
    return path
