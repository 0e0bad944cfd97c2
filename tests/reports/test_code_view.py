"""The code view reviewers read: one row per line, findings on their lines, hostile text inert."""

from __future__ import annotations

import re
from typing import Any

from graders.identity import identity_tokens
from reports.blind import redact, redact_source
from reports.render.code_view import code_view, code_view_css, render_code_view
from reports.render.highlight import highlight_lines
from reports.render.python_tokens import python_tokens
from reports.scorecard import Scorecard
from reports.source import FileDiff, OmittedFile, SourceFile, SourceSnapshot

KV = '''"""The store,
its docstring spread
over three lines."""
import os


def get(key):
    return os.environ[key]
'''
HOSTILE_TEXT = (
    "</script><script>alert(1)</script>\n{{ 7*7 }} {% raw %}\n<img src=x onerror=alert(2)>\n"
)
HOSTILE_PATH = 'app/"><svg onload=alert(3)>.py'


def _snapshot(*files: tuple[str, str], diffs: list[FileDiff] | None = None) -> SourceSnapshot:
    return SourceSnapshot(
        schema_version=1,
        commit="c0ffee",
        files=[SourceFile(path=p, text=t, change="modified") for p, t in sorted(files)],
        omitted=[OmittedFile(path="logo.png", reason="binary")],
        diffs=diffs or [],
    )


def _card(card: Scorecard, path: str = "app/kv.py") -> Scorecard:
    """The card with one finding of each kind on known lines of ``path``."""
    data: dict[str, Any] = card.model_dump(mode="json")
    measured = data["measurements"]
    measured["lint"]["hotspots"] = [
        {"path": path, "line": 5, "code": "F401", "message": "`os` imported <b>unused</b>"}
    ]
    measured["complexity"]["hotspots"] = [
        {"path": path, "name": "get", "line": 8, "cc": 12, "rank": "C"}
    ]
    data["flags"] = [
        {"kind": "static", "message": f"{path}:9: network: reads os.environ"},
        {"kind": "static", "message": "elsewhere.py:3: frames: sys._getframe"},
        {"kind": "intake", "message": f"{path}:1: not a finding for a line"},
    ]
    return Scorecard.model_validate(data)


def _row(html: str, file: int, line: int) -> str:
    found = re.search(rf'<tr id="L-{file}-{line}"[^>]*>.*?</tr>', html, re.DOTALL)
    assert found is not None, f"no row L-{file}-{line}"
    return found.group()


def test_every_line_is_one_row_with_its_id_file_and_number(hostile_scorecard: Scorecard) -> None:
    view = code_view(_snapshot(("app/kv.py", KV), ("notes.txt", "a\nb")), _card(hostile_scorecard))
    html = render_code_view(view)
    assert [f.path for f in view.files] == ["app/kv.py", "notes.txt"]
    assert len(re.findall(r'<tr id="L-0-\d+" data-file="app/kv.py" data-line="\d+"', html)) == 8
    assert len(re.findall(r'<tr id="L-1-\d+" data-file="notes.txt"', html)) == 2
    assert 'id="L-0-9"' not in html  # the final newline opens no ninth line
    assert 'def</span> <span class="nf">get</span>' in _row(html, 0, 7)


def test_a_multiline_string_is_styled_on_each_of_its_lines() -> None:
    lines = highlight_lines("kv.py", KV)
    assert [line.startswith('<span class="sd">') for line in lines[:3]] == [True, True, True]
    js = highlight_lines("a.js", "/* one\ntwo */\nlet x = `a\nb`;\n")
    assert len(js) == 4
    for line in js:  # every fragment is balanced on its own
        assert line.count("<span") == line.count("</span>")
    assert js[1].startswith('<span class="cm">two */</span>')


def test_python_tokens_give_the_text_back_exactly() -> None:
    texts = [
        KV,
        HOSTILE_TEXT,
        "x = '''unterminated\n",
        'f"{a!r}" b"\\x00" 0x1F 1.5e3j @dec\n',
        "\r\n\t\x0c # comment only",
        "class A(B):\n    @property\n    def f(self): ...\n",
    ]
    for text in texts:
        assert "".join(value for _, value in python_tokens(text)) == text


def test_findings_sit_on_their_lines(hostile_scorecard: Scorecard) -> None:
    view = code_view(_snapshot(("app/kv.py", KV)), _card(hostile_scorecard))
    html = render_code_view(view)
    assert "F401" in _row(html, 0, 5)
    assert "&lt;b&gt;unused&lt;/b&gt;" in _row(html, 0, 5)
    assert "CC 12" in _row(html, 0, 8)
    assert "get: cyclomatic complexity 12 (rank C)" in _row(html, 0, 8)
    assert all("reads os.environ" not in _row(html, 0, line) for line in range(1, 9))
    assert view.files[0].annotations == 3
    assert [(n.kind, n.line) for n in view.files[0].unplaced] == [("static", 9)]  # past the end
    assert "not a finding" not in html
    assert [(path, note.label) for path, note in view.elsewhere] == [("elsewhere.py", "frames")]
    for line in (1, 2, 3, 4, 6, 7):
        assert "cv-notes" not in _row(html, 0, line)


def test_the_tree_nests_directories_with_badges_and_counts(hostile_scorecard: Scorecard) -> None:
    snapshot = _snapshot(("app/kv.py", KV), ("app/sub/deep.py", "x = 1\n"), ("main.py", ""))
    view = code_view(snapshot, _card(hostile_scorecard))
    assert [node.name for node in view.tree] == ["app", "main.py"]
    assert [node.name for node in view.tree[0].children] == ["sub", "kv.py"]
    assert view.tree[0].children[0].children[0].path == "app/sub/deep.py"
    html = render_code_view(view)
    assert '<a href="#F-0">kv.py</a> <span class="cv-badge cv-modified">modified</span>' in html
    assert '<span class="cv-count" title="findings">3</span>' in html
    assert "(empty file)" in html
    assert "logo.png: binary" in html


def test_hostile_files_paths_and_readme_come_out_inert(hostile_scorecard: Scorecard) -> None:
    readme = (
        "# Hi\n<script>alert(4)</script>\n[click](javascript:alert(5))\n"
        "![pixel](https://tracker.example/p.png)\n"
    )
    diff = FileDiff(
        path=HOSTILE_PATH, status="added", diff=f"+++ b/x\n@@ -0,0 +1 @@\n+{HOSTILE_TEXT}"
    )
    snapshot = _snapshot(("evil.html", HOSTILE_TEXT), (HOSTILE_PATH, HOSTILE_TEXT),
                         ("README.md", readme), ("app/doc.py", f'"""\n{HOSTILE_TEXT}"""\n'),
                         diffs=[diff])  # fmt: skip
    html = str(render_code_view(code_view(snapshot, _card(hostile_scorecard, HOSTILE_PATH))))
    assert "<script" not in html
    assert "<img" not in html
    assert "<svg" not in html
    assert 'href="javascript' not in html
    rendered_readme = html.split('id="readme"')[1].split("</section>")[0]
    assert "\n[click](javascript:alert(5))\n" in rendered_readme  # text, not a link
    assert '<a href="https://tracker.example/p.png">pixel</a>' in rendered_readme  # no image
    assert "{{ 7*7 }}" in html
    assert "49" not in html
    assert "<h1>Hi</h1>" in html
    assert 'data-file="app/&#34;&gt;&lt;svg onload=alert(3)&gt;.py"' in html


def test_diffs_are_classed_by_line(hostile_scorecard: Scorecard) -> None:
    text = "--- a/kv.py\n+++ b/kv.py\n@@ -1,2 +1,2 @@\n a\n-b\n+<c>\n[diff cut] over 200 KB\n"
    snapshot = _snapshot(
        ("kv.py", "a\n<c>\n"), diffs=[FileDiff(path="kv.py", status="modified", diff=text)]
    )
    (diff,) = code_view(snapshot, hostile_scorecard).diffs
    assert [line.kind for line in diff.lines] == [
        "meta",
        "meta",
        "hunk",
        "context",
        "del",
        "add",
        "meta",
    ]
    html = render_code_view(code_view(snapshot, hostile_scorecard))
    assert '<span class="cv-d-add">+&lt;c&gt;</span>' in html
    assert '<span class="cv-d-del">-b</span>' in html


def test_a_redacted_snapshot_renders_without_the_candidate(hostile_scorecard: Scorecard) -> None:
    tokens = identity_tokens(
        "https://github.com/kindhuman/kv", [("Kind Human", "kh@humane.example")], None
    )
    signed = "# Written by Kind Human (@kindhuman), kh@humane.example\nclass KindHumanStore: ...\n"
    path = "src/kindhuman_utils.py"
    snapshot = _snapshot(
        (path, signed),
        ("src/Kind_Human_utils.py", "y = 1\n"),
        ("README.md", "# KV by kindhuman\n"),
        diffs=[FileDiff(path=path, status="added", diff=f"+{signed}")],
    )
    omitted = [OmittedFile(path="kindhuman.png", reason="binary")]
    snapshot = snapshot.model_copy(update={"omitted": omitted, "identity": ["Kind Human"]})
    blind = redact_source(snapshot, tokens)
    assert blind.blind
    assert blind.identity == []
    assert [f.path for f in blind.files] == [
        "README.md",
        "src/[candidate]_utils.py",
        "src/[candidate]_utils~2.py",
    ]
    card = redact(_card(hostile_scorecard, path), tokens)
    view = code_view(blind, card)
    html = render_code_view(view).lower()
    for leaked in ("kind", "human", "humane.example"):
        assert leaked not in html
    assert view.files[1].annotations == 3  # the card's paths were redacted the same way


def test_two_thousand_lines_come_out_as_two_thousand_rows(hostile_scorecard: Scorecard) -> None:
    """Every line is its own row (what a citation clicks on); the speed of this is measured by
    benchmarks/code_view.py, not asserted here."""
    text = "".join(
        f"def f{n}(x: int) -> str:\n    return f'{{x}}' + \"{n}\"  # note\n" for n in range(1_000)
    )
    html = render_code_view(code_view(_snapshot(("app/kv.py", text)), _card(hostile_scorecard)))
    assert html.count('data-line="') == 2_000
    assert 'id="L-0-2000"' in html


def test_the_stylesheet_has_layout_and_token_classes() -> None:
    css = code_view_css()
    assert ".code .sd" in css
    assert ".cv-d-add" in css
