"""Rendered reports: golden files, escaping of candidate text, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reports.render import pages as render
from reports.render.pages import md_code, render_html, render_json, render_markdown, write_reports
from reports.scorecard import Scorecard

GOLDEN = Path(__file__).parents[1] / "golden"


@pytest.mark.parametrize(
    ("name", "renderer"), [("report.html", render_html), ("report.md", render_markdown)]
)
def test_reports_match_golden_files(hostile_scorecard, update_golden, name, renderer):
    rendered = renderer(hostile_scorecard)
    golden = GOLDEN / name
    if update_golden:
        golden.write_text(rendered)
    assert rendered == golden.read_text(), (
        f"{name} changed: rerun pytest with --update-golden if intended"
    )


def test_html_escapes_everything_from_the_candidate(hostile_scorecard):
    html = render_html(hostile_scorecard)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "alice-&lt;b&gt;" in html
    assert not any("javascript:" in href for href in re.findall(r'href="([^"]*)"', html))


def test_html_is_self_contained(hostile_scorecard):
    html = render_html(hostile_scorecard)
    assert not re.search(r"<(link|script|img|iframe)\b", html)
    assert "default-src 'none'" in html


def _outside_code_fences(markdown: str) -> str:
    """The Markdown with fenced blocks removed (their content is literal text to a renderer)."""
    kept, fence = [], None
    for line in markdown.splitlines():
        opening = re.match(r"^(`{3,})", line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            kept.append(line)
    assert fence is None, "a code fence was left open"
    return "\n".join(kept)


def test_markdown_neutralises_markup_from_the_candidate(hostile_scorecard):
    prose = _outside_code_fences(render_markdown(hostile_scorecard))
    assert "<script>" not in prose
    assert "&lt;script&gt;" in prose
    assert not re.search(r"(?<!\\)\]\(javascript:", prose), "an unescaped link survived"
    assert "**bold**" not in prose


def test_failures_come_first_in_the_test_table(hostile_scorecard):
    html = render_html(hostile_scorecard)
    statuses = re.findall(r'<tr class="s-(\w+)">', html)
    assert statuses[:2] == ["timeout", "failed"]
    assert set(statuses[2:]) == {"passed"}


def test_human_rows_are_laid_out_as_a_form(hostile_scorecard):
    html = render_html(hostile_scorecard)
    for row in hostile_scorecard.criteria:
        if row.kind == "human":
            assert f'id="row-{row.id}"' in html
            assert html.count(f'name="{row.id}" value=') == 4
            assert f'name="{row.id}.justification"' in html


def test_code_fences_cannot_be_closed_by_their_content():
    block = md_code("before\n```\n# heading injected\n````")
    fence = block.split("text", 1)[0]
    assert len(fence) == 5
    assert block.endswith("\n" + fence)


def test_json_round_trips(hostile_scorecard):
    assert Scorecard.model_validate_json(render_json(hostile_scorecard)) == hostile_scorecard


def test_a_failed_render_leaves_the_previous_reports_untouched(
    hostile_scorecard, tmp_path, monkeypatch
):
    written = write_reports(hostile_scorecard, tmp_path)
    before = {name: path.read_text() for name, path in written.items()}
    changed = hostile_scorecard.model_copy(update={"reason": "changed"})

    def broken(card: Scorecard) -> str:
        raise RuntimeError("template bug")

    monkeypatch.setattr(render, "render_markdown", broken)
    with pytest.raises(RuntimeError, match="template bug"):
        write_reports(changed, tmp_path)
    assert {name: path.read_text() for name, path in written.items()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)
