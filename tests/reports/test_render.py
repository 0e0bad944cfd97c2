"""Rendered reports: golden files, escaping of candidate text, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape

from reports.render import pages as render
from reports.render.pages import md_code, render_html, render_json, render_markdown, write_reports
from reports.review import RatingInput, build_review, merge_reviews
from reports.scorecard import Recommendation, Scorecard

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


def test_human_rows_are_read_only_with_no_dead_form(hostile_scorecard):
    html = render_html(hostile_scorecard)
    assert not re.search(r"<(form|input|textarea|select|button)\b", html)
    for row in hostile_scorecard.criteria:
        if row.kind == "human":
            assert f'id="row-{row.id}"' in html
            assert escape(row.question) in html
            for anchor in row.levels:
                assert f"<strong>{anchor.level}</strong> — {escape(anchor.anchor)}" in html
    assert "Not rated yet." in html
    assert "review/find" not in html


def test_a_review_url_links_each_human_row_to_the_review_app(hostile_scorecard):
    html = render_html(hostile_scorecard, review_url="https://review.example/app/")
    link = "https://review.example/app/review/find/kv-store/alice-%3Cb%3E"
    humans = sum(row.kind == "human" for row in hostile_scorecard.criteria)
    assert html.count(f'<a class="review-link" href="{link}">Rate in the review app</a>') == (
        humans + 1
    )
    assert not re.search(r"<(form|input|textarea)\b", html)


def test_write_reports_passes_the_review_url_to_the_html(hostile_scorecard, tmp_path):
    paths = write_reports(hostile_scorecard, tmp_path, review_url="http://localhost:8000")
    assert "http://localhost:8000/review/find/kv-store/" in paths["report.html"].read_text()


def test_a_complete_card_shows_the_agreed_level_and_each_review(hostile_scorecard):
    ratings = {
        row.id: RatingInput(level=3, justification=f"reason for {row.id}")
        for row in hostile_scorecard.criteria
        if row.kind == "human"
    }
    reviews = [build_review(hostile_scorecard, name, ratings, "test") for name in ("ana", "bo")]
    done = merge_reviews(hostile_scorecard, reviews, Recommendation.YES, "good", "hm", "test")
    html = render_html(done)
    assert "Not rated yet" not in html
    assert html.count("<em>(agreed level)</em>") == len(ratings)
    for row_id in ratings:
        assert html.count(f"— reason for {row_id}<br>") == 2
    assert not re.search(r"<(form|input|textarea)\b", html)


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


def test_prepared_templates_render_without_reading_them_again(hostile_scorecard, monkeypatch):
    monkeypatch.setattr(render, "_HTML", render._environment(autoescape=True))
    monkeypatch.setattr(render, "_MARKDOWN", render._environment(autoescape=False))
    render.prepare()  # what `takehome grade` does while its container runs

    def unreadable(*args: object) -> None:
        raise AssertionError("a template was compiled when the reports were due")

    for environment in (render._HTML, render._MARKDOWN):
        monkeypatch.setattr(environment.loader, "get_source", unreadable)
    assert "<html" in render_html(hostile_scorecard)
    assert render_markdown(hostile_scorecard)


def test_templates_are_compiled_once_per_machine_not_once_per_process(
    hostile_scorecard, tmp_path, monkeypatch
):
    first = render._environment(True, render.compiled_cache(True, tmp_path))
    first.get_template("report.html.j2")  # compiled, and kept in tmp_path
    assert len(list(tmp_path.iterdir())) == 1
    later = render._environment(True, render.compiled_cache(True, tmp_path))  # another process

    def compile_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(later, "compile", compile_again)
    monkeypatch.setattr(render, "_HTML", later)
    assert render_html(hostile_scorecard) == (GOLDEN / "report.html").read_text()


def test_templates_compiled_with_other_options_are_kept_apart(tmp_path):
    for autoescape in (True, False):
        environment = render._environment(autoescape, render.compiled_cache(autoescape, tmp_path))
        environment.get_template("report.html.j2")
    assert len(list(tmp_path.iterdir())) == 2  # HTML escaping is compiled in: never shared
