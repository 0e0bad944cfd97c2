"""The challenge's read-only files win over the candidate's copies at grading time, and are
not counted as the candidate's work; a hostile tree cannot make the write land outside it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from challenges.handout import HandoutFile
from challenges.load import Challenge, load_challenge
from graders.base import Submission
from graders.lint import measure_lint
from graders.registry import available
from runner.errors import InfraError
from runner.intake.given_files import lay_files, restore_given_files

HELPER = b"def helper(x):\n    return x * 2\n"


@pytest.fixture
def with_handout(tmp_path: Path, kv_store: Challenge) -> Challenge:
    root = tmp_path / "kv"
    shutil.copytree(kv_store.root, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "handout" / "fixtures").mkdir(parents=True)
    (root / "handout" / "fixtures" / "helper.py").write_bytes(HELPER)
    return load_challenge(root, available())


def test_a_changed_or_missing_handout_file_is_restored_and_named(
    tmp_path: Path, with_handout: Challenge
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(with_handout.root / "solution", tree)
    (tree / "fixtures").mkdir()
    (tree / "fixtures" / "helper.py").write_text("def helper(x):\n    return 42\n")
    assert restore_given_files(with_handout, tree) == ["fixtures/helper.py"]
    assert (tree / "fixtures" / "helper.py").read_bytes() == HELPER
    assert restore_given_files(with_handout, tree) == []  # unchanged now: nothing to say
    shutil.rmtree(tree / "fixtures")
    assert restore_given_files(with_handout, tree) == ["fixtures/helper.py"]


def test_a_symlink_on_the_way_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(outside, tree / "fixtures")  # the candidate's trap
    (tree / "other.py").symlink_to(outside / "secret")
    lay_files(tree, [HandoutFile("fixtures/helper.py", HELPER), HandoutFile("other.py", b"x")])
    assert list(outside.iterdir()) == []
    assert not (tree / "fixtures").is_symlink()
    assert (tree / "fixtures" / "helper.py").read_bytes() == HELPER
    assert not (tree / "other.py").is_symlink()


def test_handout_files_are_not_the_candidates_work(tmp_path: Path, with_handout: Challenge) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(with_handout.root / "solution", tree)
    restore_given_files(with_handout, tree)
    given = Submission(with_handout, tree, None).starter
    assert given is not None
    assert (given / "fixtures" / "helper.py").read_bytes() == HELPER
    assert (given / "kvstore.py").is_file()  # the starter's files too
    linted = measure_lint(tree, given, with_handout.config.measure.lint_select)
    plain = measure_lint(
        tree, with_handout.root / "starter", with_handout.config.measure.lint_select
    )
    assert linted.files == plain.files - 1


def test_a_handout_that_cannot_be_read_is_the_challenges_fault(
    tmp_path: Path, with_handout: Challenge
) -> None:
    (with_handout.root / "handout" / "link.py").symlink_to("/etc/passwd")
    with pytest.raises(InfraError, match="the challenge's handout cannot be read"):
        restore_given_files(with_handout, tmp_path)
