"""What the candidate wrote: decided once per tree, shared by the lint and complexity rows."""

from __future__ import annotations

import shutil
from pathlib import Path

from graders import candidate_work as work_module
from graders.candidate_work import candidate_work
from graders.complexity import measure_complexity
from graders.lint import measure_lint

CATALOG = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
STARTER = CATALOG / "starter"


def _tree(tmp_path: Path, name: str = "tree") -> Path:
    tree = tmp_path / name
    shutil.copytree(STARTER, tree)
    return tree


def test_the_untouched_starter_holds_nothing_of_the_candidates(tmp_path):
    verdict = candidate_work(_tree(tmp_path), STARTER).nothing_written
    assert verdict == "nothing to measure: every Python file is the starter's, unchanged"


def test_an_empty_tree_or_one_without_python_holds_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    assert candidate_work(tmp_path / "empty", STARTER).nothing_written == (
        "nothing to measure: the submission has no Python file"
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("I would have written a great store.\n")
    (tmp_path / "docs" / "notes.txt").write_text("def f(): pass\n")
    assert candidate_work(tmp_path / "docs", STARTER).nothing_written is not None


def test_comments_docstrings_and_a_moved_starter_file_are_not_code(tmp_path):
    tree = _tree(tmp_path)
    text = (tree / "kvstore.py").read_text().replace('"""', '"""Reworded. ', 1)
    (tree / "kvstore.py").write_text("# my comment\n\n" + text + "\n# the end\n")
    (tree / "pkg").mkdir()
    shutil.move(tree / "kvstore.py", tree / "pkg" / "store.py")
    (tree / "blank.py").write_text("\n\n# nothing yet\n")
    work = candidate_work(tree, STARTER)
    assert set(work.files) == {"pkg/store.py", "blank.py"}
    assert work.nothing_written is not None
    assert "only blank lines, comments, docstrings or starter code" in work.nothing_written


def test_one_changed_statement_is_the_candidates_code(tmp_path):
    tree = _tree(tmp_path)
    text = (tree / "kvstore.py").read_text()
    (tree / "kvstore.py").write_text(text.replace("raise NotImplementedError", "return None", 1))
    assert candidate_work(tree, STARTER).nothing_written is None
    assert candidate_work(CATALOG / "solution", STARTER).nothing_written is None


def test_a_file_python_cannot_parse_still_counts_as_written(tmp_path):
    (tmp_path / "deep.py").write_text("x = " + "+".join(["1"] * 100_000) + "\n")
    assert candidate_work(tmp_path, STARTER).nothing_written is None


def test_lint_and_complexity_share_one_verdict_computed_once(tmp_path, monkeypatch):
    tree = _tree(tmp_path)
    calls: list[Path] = []
    compute = work_module._compute

    def counted(root: Path, starter: Path | None) -> work_module.CandidateWork:
        calls.append(root)
        return compute(root, starter)

    monkeypatch.setattr(work_module, "_compute", counted)
    lint = measure_lint(tree, STARTER, ["F"])
    complexity = measure_complexity(tree, STARTER)
    assert calls == [tree]
    assert lint.nothing_written == complexity.nothing_written is not None
    (tree / "kvstore.py").write_text("def set_(key):\n    return key\n")  # the tree changed
    assert measure_lint(tree, STARTER, ["F"]).nothing_written is None
    assert calls == [tree, tree]
