"""The mutants of a reference solution: generated, told apart when equivalent, selected.

A mutant is one edit (``runner.mutation.operators``) of one Python file of the solution; the
mutated file is the unparsed tree, every other file stays as it is. A mutant is *equivalent*
(kept apart, never graded, never counted in the kill rate) when no test could tell it from the
reference by construction: its tree, once docstrings, other bare constant statements and
annotations are dropped, equals the original's, or the edit lies in code that never runs
(after a ``return``/``raise``/``break``/``continue`` in the same block, under ``if False:``
or ``if TYPE_CHECKING:``, or in the ``if __name__ == "__main__":`` block no import reaches).
Two edits giving the same file are one mutant.

Selection is deterministic: the kinds take turns, and within a kind mutants are taken in the
order of a hash of what they change, so the same solution always yields the same mutants and
an unrelated edit elsewhere does not reshuffle them.
"""

from __future__ import annotations

import ast
import copy
import hashlib
from dataclasses import dataclass
from pathlib import Path

from runner.mutation.operators import KINDS, Edit, edits

HINT_WIDTH = 60
_EXCLUDED_DIRS = {"tests", "test", "__pycache__", "build", "dist"}


@dataclass(frozen=True)
class Mutant:
    file: str
    """Path of the mutated file, relative to the solution, with ``/``."""
    line: int
    kind: str
    before: str
    after: str
    source: str
    """The whole mutated file."""
    equivalent: str | None = None
    """Why no test could kill it, when that is known."""

    @property
    def key(self) -> str:
        text = f"{self.file}\0{self.line}\0{self.kind}\0{self.before}\0{self.after}"
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def hint(self) -> str:
        """``file:line kind: before → after``, each side cut to one short line."""
        return f"{self.file}:{self.line} {self.kind}: {_short(self.before)} → {_short(self.after)}"


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= HINT_WIDTH else line[: HINT_WIDTH - 1] + "…"


def python_files(solution: Path) -> list[Path]:
    """The solution's own Python files, sorted; its tests and hidden folders left out."""
    found = []
    for path in sorted(solution.rglob("*.py")):
        parts = path.relative_to(solution).parts
        if any(part.startswith(".") or part in _EXCLUDED_DIRS for part in parts[:-1]):
            continue
        name = parts[-1]
        if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def _bare_constant(statement: object) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def normalised(tree: ast.AST, in_place: bool = False) -> str:
    """The tree's dump without docstrings (or any bare constant statement), annotations and
    positions."""
    if not in_place:
        tree = copy.deepcopy(tree)
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list):  # docstrings and other bare constants do nothing
                body[:] = [ast.Pass() if _bare_constant(s) else s for s in body]
        if isinstance(node, ast.arg):
            node.annotation = None
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
        if isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return ast.dump(tree, include_attributes=False)


def _never_runs(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return not test.value
    if isinstance(test, ast.Name | ast.Attribute):
        return (test.id if isinstance(test, ast.Name) else test.attr) == "TYPE_CHECKING"
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def dead_nodes(tree: ast.AST) -> set[int]:
    """Ids of the nodes in code that never runs when the module is imported and used."""
    dead: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _never_runs(node.test):
            dead.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            stops = ast.Return | ast.Raise | ast.Break | ast.Continue
            ends = [i for i, s in enumerate(body) if isinstance(s, stops)]
            for stmt in body[ends[0] + 1 :] if ends else []:
                dead.update(id(inner) for inner in ast.walk(stmt))
    return dead


def _one(edit: Edit, text: str, file: str, original: str, dead: set[int]) -> Mutant:
    mutated = ast.parse(text)  # a fresh tree: faster than a deep copy, same walk order
    target = next(node for i, node in enumerate(ast.walk(mutated)) if i == edit.site)
    before = ast.unparse(edit.shown)
    after = ast.unparse(edit.apply(target))
    ast.fix_missing_locations(mutated)
    source = ast.unparse(mutated)
    equivalent = None
    if normalised(mutated, in_place=True) == original:
        equivalent = "same code once docstrings, bare constants and annotations are dropped"
    elif id(edit.shown) in dead:
        equivalent = "dead code: never runs"
    line = getattr(edit.shown, "lineno", 0)
    return Mutant(file, line, edit.kind, before, after, source, equivalent)


def generate(solution: Path) -> list[Mutant]:
    """Every distinct mutant of the solution's Python files, in file and line order."""
    found: list[Mutant] = []
    seen: set[tuple[str, str]] = set()
    for path in python_files(solution):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue  # not Python the suite imports: the reference check says so
        file = path.relative_to(solution).as_posix()
        original, dead = normalised(tree), dead_nodes(tree)
        unmutated = ast.unparse(tree)
        for edit in edits(tree):
            mutant = _one(edit, text, file, original, dead)
            if mutant.source == unmutated and mutant.equivalent is None:
                mutant = Mutant(**{**mutant.__dict__, "equivalent": "same code"})
            if (file, mutant.source) in seen:
                continue  # two edits, one program
            seen.add((file, mutant.source))
            found.append(mutant)
    return sorted(found, key=lambda m: (m.file, m.line))  # stable: walk order within a line


def select(mutants: list[Mutant], limit: int) -> list[Mutant]:
    """Up to ``limit`` of the non-equivalent ``mutants``: the kinds take turns, each kind in
    hash order; returned in file and line order."""
    live = [m for m in mutants if m.equivalent is None]
    by_kind = {kind: sorted((m for m in live if m.kind == kind), key=lambda m: m.key)
               for kind in KINDS}  # fmt: skip
    chosen: list[Mutant] = []
    while len(chosen) < limit and any(by_kind.values()):
        for kind in KINDS:
            if by_kind[kind] and len(chosen) < limit:
                chosen.append(by_kind[kind].pop(0))
    order = {id(m): i for i, m in enumerate(mutants)}
    return sorted(chosen, key=lambda m: order[id(m)])
