"""The candidate's code as reviewers read it: a file tree, highlighted files with the graders'
findings on their lines, the README and the diff against the starter.

Everything here is a pure function of the snapshot and the scorecard, so a page may cache it
by their hashes. Every string comes from the candidate and is hostile: file texts are escaped
token by token, the README goes through markdown-it with raw HTML off and no images (an image
URL would tell the candidate when the work was read), and the template autoescapes the rest.
Each line is one table row the page can attach a handler to (``id="L-{file}-{line}"``,
``data-file``, ``data-line``), its HTML from ``reports.render.highlight``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

from reports.render.highlight import highlight_lines
from reports.scorecard import Scorecard
from reports.source import OmittedFile, SourceSnapshot

TEMPLATES = Path(__file__).parent / "templates"
README_NAMES = ("readme.md", "readme.markdown")
_STATIC = re.compile(r"(\d+): ([^:]+): (.*)", re.DOTALL)
_ANY_STATIC = re.compile(r"(.*?):(\d+: [^:]+: .*)", re.DOTALL)

AnnotationKind = Literal["lint", "complexity", "static"]
DiffKind = Literal["add", "del", "hunk", "context", "meta"]


@dataclass(frozen=True)
class Annotation:
    kind: AnnotationKind
    line: int
    label: str
    """Short: the rule code, the function's complexity, the scan's kind."""
    message: str


@dataclass(frozen=True)
class CodeLine:
    number: int
    html: Markup
    """The line's highlighted HTML: escaped, spans balanced within the line."""
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class CodeFile:
    index: int
    """Position in ``CodeView.files``: the ``{file}`` of the line ids."""
    path: str
    change: str
    lines: tuple[CodeLine, ...]
    annotations: int
    unplaced: tuple[Annotation, ...]
    """Findings on a line the file does not have (it changed since, or a cap cut it)."""

    @property
    def anchor(self) -> str:
        return f"F-{self.index}"


@dataclass(frozen=True)
class TreeNode:
    name: str
    path: str
    children: tuple[TreeNode, ...] = ()
    file: CodeFile | None = None
    """None for a directory."""


@dataclass(frozen=True)
class DiffLine:
    kind: DiffKind
    text: str


@dataclass(frozen=True)
class DiffView:
    path: str
    status: str
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class CodeView:
    tree: tuple[TreeNode, ...]
    files: tuple[CodeFile, ...]
    readme: Markup | None
    diffs: tuple[DiffView, ...]
    omitted: tuple[OmittedFile, ...]
    elsewhere: tuple[tuple[str, Annotation], ...]
    """Findings on files the snapshot does not hold (omitted, or over a cap)."""
    blind: bool
    commit: str


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def _annotations(card: Scorecard, paths: Iterable[str]) -> dict[str, list[Annotation]]:
    """The card's findings per file path: lint, complexity, and the static scan's flags."""
    found: dict[str, list[Annotation]] = {}
    measured = card.measurements
    for finding in measured.lint.hotspots if measured.lint else []:
        found.setdefault(finding.path, []).append(
            Annotation("lint", finding.line, finding.code, finding.message)
        )
    for function in measured.complexity.hotspots if measured.complexity else []:
        message = f"{function.name}: cyclomatic complexity {function.cc} (rank {function.rank})"
        found.setdefault(function.path, []).append(
            Annotation("complexity", function.line, f"CC {function.cc}", message)
        )
    longest_first = sorted(paths, key=len, reverse=True)
    for flag in card.flags:
        if flag.kind == "static":
            path, note = _static(flag.message, longest_first)
            found.setdefault(path, []).append(note)
    for notes in found.values():
        notes.sort(key=lambda note: (note.line, note.kind, note.label))
    return found


def _static(message: str, paths: Sequence[str]) -> tuple[str, Annotation]:
    """The file and line of a static-scan flag (``path:line: kind: detail``): a path the
    snapshot holds first, since a file name may itself contain ``:1: x:``."""
    path = next((p for p in paths if message.startswith(f"{p}:")), None)
    parsed = None if path is None else _STATIC.fullmatch(message[len(path) + 1 :])
    if parsed is None:
        loose = _ANY_STATIC.fullmatch(message)
        path = str(loose[1]) if loose else ""
        parsed = _STATIC.fullmatch(loose[2]) if loose else None
    if parsed is None or path is None:
        return path or "", Annotation("static", 0, "static", message)
    return path, Annotation("static", int(parsed[1]), parsed[2], parsed[3])


def _file(index: int, path: str, change: str, text: str, notes: list[Annotation]) -> CodeFile:
    html = highlight_lines(path, text)
    by_line: dict[int, list[Annotation]] = {}
    unplaced = []
    for note in notes:
        if 1 <= note.line <= len(html):
            by_line.setdefault(note.line, []).append(note)
        else:
            unplaced.append(note)
    lines = tuple(
        CodeLine(number, fragment, tuple(by_line.get(number, ())))
        for number, fragment in enumerate(html, start=1)
    )
    return CodeFile(index, path, change, lines, len(notes), tuple(unplaced))


def _tree(files: Iterable[CodeFile]) -> tuple[TreeNode, ...]:
    """Nested directories (first, by name) then files, as an editor's sidebar shows them."""
    root: dict[str, object] = {}
    for code in files:
        *directories, name = code.path.split("/")
        level = root
        for directory in directories:
            child = level.setdefault(f"{directory}/", {})
            level = child if isinstance(child, dict) else {}
        level[name] = code

    def nodes(level: dict[str, object], prefix: str) -> tuple[TreeNode, ...]:
        built = []
        for key in sorted(level, key=lambda k: (not k.endswith("/"), k)):
            value = level[key]
            if isinstance(value, dict):
                built.append(TreeNode(key[:-1], prefix + key[:-1], nodes(value, prefix + key)))
            elif isinstance(value, CodeFile):
                built.append(TreeNode(key, value.path, file=value))
        return tuple(built)

    return nodes(root, "")


def _diff_kind(line: str) -> DiffKind:
    if line.startswith(("+++ ", "--- ", "\\", "[diff cut]")):
        return "meta"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "add", "-": "del"}.get(line[:1], "context")  # type: ignore[return-value]


def code_view(snapshot: SourceSnapshot, card: Scorecard) -> CodeView:
    """What the review page shows of the code, every string escaped or inert."""
    notes = _annotations(card, (f.path for f in snapshot.files))
    files = tuple(
        _file(index, f.path, f.change, f.text, notes.pop(f.path, []))
        for index, f in enumerate(snapshot.files)
    )
    readme = next((f for f in snapshot.files if f.path.lower() in README_NAMES), None)
    diffs = tuple(
        DiffView(d.path, d.status, tuple(DiffLine(_diff_kind(t), t) for t in d.diff.splitlines()))
        for d in snapshot.diffs
    )
    return CodeView(
        tree=_tree(files),
        files=files,
        readme=None if readme is None else Markup(_markdown().render(readme.text)),  # noqa: S704
        diffs=diffs,
        omitted=tuple(snapshot.omitted),
        elsewhere=tuple((path, note) for path in sorted(notes) for note in notes[path]),
        blind=snapshot.blind,
        commit=snapshot.commit,
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_code_view(view: CodeView) -> Markup:
    """The view as one HTML fragment (the ``code_view`` macro of ``code_view.html.j2``), for
    a page whose own templates live elsewhere."""
    macro = _environment().get_template("code_view.html.j2").module.code_view  # type: ignore[attr-defined]
    return Markup(macro(view))  # noqa: S704  (autoescaped template)


@cache
def code_view_css() -> str:
    """The stylesheet the fragment needs: the layout and Pygments' token classes under
    ``.code`` (classes only: nothing in the fragment carries a style attribute)."""
    layout = (TEMPLATES / "code_view.css").read_text(encoding="utf-8")
    return layout + "\n" + str(HtmlFormatter(style="default").get_style_defs(".code"))
