"""Mutants of a reference solution, made without Docker: every kind compiles, the order and the
selection are deterministic, equivalent mutants are kept apart."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from runner.mutation import mutants as mutants_module
from runner.mutation.grading import MutantResult, MutationReport, write_mutant
from runner.mutation.mutants import Mutant, generate, python_files, select
from runner.mutation.operators import KINDS, edits
from tests.conftest import CATALOG

KV_SOLUTION = CATALOG / "kv-store" / "solution"

SAMPLE = '''\
"""Module docstring."""

from __future__ import annotations

__all__ = ["window", "Counter"]


def window(items: list[int], size: int) -> list[int]:
    """Docstring of window."""
    if size <= 0:
        raise ValueError("size must be positive")
    total = 0
    for item in items[1:size]:
        total += item * 2
    while total > 100 and size:
        total -= 1
    assert total >= 0
    return items[: size - 1] if total == 3 else [total]


class Counter:
    def bump(self, flag: bool = True) -> int | None:
        if flag:
            return 1
            print("never")
        return None


if __name__ == "__main__":
    print(window([1, 2, 3], 2))
'''


@pytest.fixture
def solution(tmp_path: Path) -> Path:
    root = tmp_path / "solution"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "window.py").write_text(SAMPLE)
    (root / "tests").mkdir()
    (root / "tests" / "test_window.py").write_text("def test_x():\n    assert True\n")
    (root / "test_top.py").write_text("def test_y():\n    assert 1 + 1 == 2\n")
    (root / "broken.py").write_text("def f(:\n")
    return root


def test_every_kind_is_made_and_every_mutant_compiles(solution: Path) -> None:
    mutants = generate(solution)
    assert {m.kind for m in mutants} == set(KINDS)
    for mutant in mutants:
        compile(mutant.source, mutant.file, "exec")
        assert mutant.source != ast.unparse(ast.parse(SAMPLE))
        assert mutant.file == "pkg/window.py"
        assert mutant.line > 0


def test_the_operators_make_the_promised_edits(solution: Path) -> None:
    hints = {(m.kind, m.before, m.after) for m in generate(solution)}
    assert ("arithmetic", "item * 2", "item // 2") in hints
    assert ("arithmetic", "total += item * 2", "total -= item * 2") in hints
    assert ("comparison", "size <= 0", "size < 0") in hints
    assert ("comparison", "total == 3", "total != 3") in hints
    assert ("constant", "0", "1") in hints
    assert ("constant", "True", "False") in hints
    assert ("condition", "flag", "not flag") in hints
    assert ("condition", "total > 100 and size", "total > 100 or size") in hints
    assert ("statement", "total -= 1", "pass") in hints
    assert ("return", "return 1", "return None") in hints
    assert ("slice", "1:size", "2:size") in hints
    assert ("slice", "1:size", "0:size") in hints
    assert ("slice", "1:size", "1:size + 1") in hints
    assert ("slice", ":size - 1", ":size - 1 - 1") in hints


def test_docstrings_annotations_messages_and_all_are_never_mutated(solution: Path) -> None:
    befores = {m.before for m in generate(solution)}
    assert not {"'Docstring of window.'", "'size must be positive'", "'window'", "'Counter'"} & (
        befores
    )
    assert not [b for b in befores if b == "list[int]" or b == "int | None"]
    assert not [b for b in befores if b.startswith("__all__")]


def test_the_solutions_tests_and_unparsable_files_are_left_out(solution: Path) -> None:
    assert [p.relative_to(solution).as_posix() for p in python_files(solution)] == [
        "broken.py",
        "pkg/window.py",
    ]
    assert {m.file for m in generate(solution)} == {"pkg/window.py"}


def test_code_that_never_runs_gives_equivalent_mutants(solution: Path) -> None:
    equivalent = {(m.before, m.equivalent) for m in generate(solution) if m.equivalent}
    assert ("print('never')", "dead code: never runs") in equivalent
    assert ("print(window([1, 2, 3], 2))", "dead code: never runs") in equivalent
    live = [m for m in generate(solution) if m.equivalent is None]
    assert not [m for m in live if m.before.startswith("print(")]


def test_a_mutant_equal_to_the_original_once_normalised_is_equivalent(tmp_path: Path) -> None:
    root = tmp_path / "solution"
    root.mkdir()
    # a bare string in the middle of a body does nothing: removing or emptying it changes no
    # behaviour; the assignment and the return are live
    (root / "m.py").write_text('def f():\n    x = 1\n    """second string"""\n    return x\n')
    mutants = generate(root)
    by_edit = {(m.kind, m.before): m for m in mutants}
    assert by_edit["constant", "1"].equivalent is None
    assert by_edit["statement", "x = 1"].equivalent is None
    assert by_edit["return", "return x"].equivalent is None
    same = "same code once docstrings, bare constants and annotations are dropped"
    assert by_edit["statement", "'second string'"].equivalent == same
    assert by_edit["constant", "'second string'"].equivalent == same
    assert select(mutants, 100) == [m for m in mutants if m.equivalent is None]


def test_same_program_from_two_edits_is_one_mutant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "solution"
    root.mkdir()
    (root / "m.py").write_text("def f(x):\n    return x + 1\n")
    single = generate(root)
    monkeypatch.setattr(mutants_module, "edits", lambda tree: edits(tree) * 2)
    assert [m.source for m in generate(root)] == [m.source for m in single]
    assert len({m.source for m in single}) == len(single) == 4


def test_generation_and_selection_are_deterministic() -> None:
    first, second = generate(KV_SOLUTION), generate(KV_SOLUTION)
    assert [m.key for m in first] == [m.key for m in second]
    chosen = select(first, 40)
    assert [m.key for m in chosen] == [m.key for m in select(second, 40)]
    assert len(chosen) == 40
    assert all(m.equivalent is None for m in chosen)
    kinds = Counter(m.kind for m in chosen)
    assert set(kinds) == {m.kind for m in first}  # every kind present gets a turn
    assert [(m.file, m.line) for m in chosen] == sorted((m.file, m.line) for m in chosen)


def test_selection_takes_all_when_fewer_than_the_limit() -> None:
    everything = [m for m in generate(KV_SOLUTION) if m.equivalent is None]
    assert len(select(everything, 10_000)) == len(everything)
    assert select(everything, 0) == []


def test_a_mutant_tree_is_the_reference_with_one_file_replaced(tmp_path: Path) -> None:
    mutant = select(generate(KV_SOLUTION), 1)[0]
    tree = write_mutant(KV_SOLUTION, mutant, tmp_path / "m")
    assert (tree / "README.md").read_text() == (KV_SOLUTION / "README.md").read_text()
    assert (tree / mutant.file).read_text() == mutant.source + "\n"
    assert not list(tree.rglob("__pycache__"))


def _result(status: str) -> MutantResult:
    mutant = Mutant("m.py", 3, "constant", "0", "1", "x = 1")
    return MutantResult(mutant, status, "passed", "1/1")  # type: ignore[arg-type]


def test_kill_rate_leaves_out_what_was_not_graded() -> None:
    results = [_result("killed")] * 17 + [_result("survived")] * 3 + [_result("not graded")]
    report = MutationReport(distinct=30, equivalent=[], results=results, threshold=0.85)
    assert report.kill_rate == pytest.approx(0.85)
    assert report.passed
    weaker = MutationReport(30, [], results[1:], 0.85)
    assert not weaker.passed
    assert MutationReport(0, [], [], 0.85).kill_rate is None
    assert _result("survived").mutant.hint() == "m.py:3 constant: 0 → 1"
