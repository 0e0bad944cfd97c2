"""The handout: spec, starter and handout/ files, never the hidden suite, the solution, the
samples or the rubric, whatever links a challenge directory holds; written as a directory, a
deterministic zip or a one-commit template git repository."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from challenges.handout import (
    HandoutError,
    handout_files,
    write_directory,
    write_zip,
    zip_bytes,
)
from runner.handout import write_git_template, write_handout

ROOT = Path(__file__).parents[2]


def _hidden_bytes(root: Path) -> set[bytes]:
    hidden = set()
    for name in ("tests", "solution", "samples"):
        hidden |= {p.read_bytes() for p in (root / name).rglob("*") if p.is_file()}
    return hidden | {(root / "rubric.toml").read_bytes(), (root / "challenge.toml").read_bytes()}


def test_the_handout_is_the_spec_and_the_starter(kv_copy: Path):
    files = handout_files(kv_copy)
    starter = sorted(p.name for p in (kv_copy / "starter").iterdir())
    assert [f.path for f in files] == sorted(["spec.md", *starter])
    assert {f.data for f in files}.isdisjoint(_hidden_bytes(kv_copy))


def test_handout_files_join_the_starter_and_caches_stay_out(kv_copy: Path):
    (kv_copy / "handout" / "data").mkdir(parents=True)
    (kv_copy / "handout" / "data" / "events.csv").write_text("a,b\n")
    (kv_copy / "handout" / "run.sh").write_text("#!/bin/sh\n")
    (kv_copy / "handout" / "run.sh").chmod(0o755)
    (kv_copy / "starter" / "__pycache__").mkdir()
    (kv_copy / "starter" / "__pycache__" / "kvstore.cpython-311.pyc").write_bytes(b"\0")
    (kv_copy / "starter" / "old.pyc").write_bytes(b"\0")
    files = {f.path: f for f in handout_files(kv_copy)}
    assert sorted(files) == ["README.md", "data/events.csv", "kvstore.py", "run.sh", "spec.md"]
    assert files["run.sh"].executable
    assert not files["kvstore.py"].executable


def _link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(
    ("link", "target", "message"),
    [
        ("starter/passwd", "/etc/passwd", "is a symlink to /etc/passwd, outside the challenge"),
        (
            "starter/t.py",
            "../tests/test_core.py",
            "is a symlink to tests/test_core.py, which is not handed out",
        ),
        (
            "starter/s.py",
            "../starter/../solution/kvstore.py",
            "is a symlink to solution/kvstore.py",
        ),
        ("handout/r.toml", "../rubric.toml", "is a symlink to rubric.toml"),
        ("handout/h", "../tests", "is a symlink to a directory"),
        ("starter/deep/more", "../../samples", "is a symlink to a directory"),
    ],
)
def test_links_out_of_the_handed_out_files_are_refused(kv_copy: Path, link: str, target: str,
                                                       message: str):  # fmt: skip
    _link(kv_copy / link, target)
    with pytest.raises(
        HandoutError, match="^" + re.escape(f"{kv_copy / link}: {message}")
    ) as caught:
        handout_files(kv_copy)
    assert "\n" not in str(caught.value)


def test_a_link_inside_the_starter_is_followed(kv_copy: Path):
    _link(kv_copy / "starter" / "copy.py", "kvstore.py")
    files = {f.path: f.data for f in handout_files(kv_copy)}
    assert files["copy.py"] == files["kvstore.py"]


@pytest.mark.parametrize("name", ["starter", "handout"])
def test_a_linked_starter_or_handout_directory_is_refused(kv_copy: Path, name: str):
    shutil.rmtree(kv_copy / name, ignore_errors=True)
    _link(kv_copy / name, "solution")
    with pytest.raises(HandoutError, match="^" + re.escape(f"{kv_copy / name}: is a symlink")):
        handout_files(kv_copy)


def test_a_linked_spec_and_a_hard_link_to_a_hidden_file_are_refused(kv_copy: Path):
    os.link(kv_copy / "tests" / "test_core.py", kv_copy / "starter" / "notes.py")
    with pytest.raises(HandoutError, match=r"notes\.py: is a hard link to a hidden file"):
        handout_files(kv_copy)
    (kv_copy / "starter" / "notes.py").unlink()
    (kv_copy / "spec.md").unlink()
    _link(kv_copy / "spec.md", "tests/test_core.py")
    with pytest.raises(HandoutError, match=r"spec\.md: is a symlink; the spec must be a regular"):
        handout_files(kv_copy)


def test_a_suite_directory_inside_the_handout_is_never_handed_out(kv_copy: Path, replace_in):
    shutil.move(kv_copy / "tests", kv_copy / "handout")
    replace_in(kv_copy / "challenge.toml", 'dir = "tests"', 'dir = "handout"')
    with pytest.raises(HandoutError, match="hidden part of the challenge"):
        handout_files(kv_copy, "handout")


def test_a_name_in_both_the_starter_and_the_handout_is_refused(kv_copy: Path):
    (kv_copy / "handout").mkdir()
    (kv_copy / "handout" / "README.md").write_text("again")
    with pytest.raises(HandoutError, match=r"README\.md is also .*starter/README\.md: keep one"):
        handout_files(kv_copy)


def test_the_zip_is_deterministic_sorted_and_timeless(kv_copy: Path, tmp_path: Path):
    files = handout_files(kv_copy)
    write_zip(files, tmp_path / "a.zip", "kv-store")
    os.utime(kv_copy / "spec.md", (0, 0))
    write_zip(handout_files(kv_copy), tmp_path / "b.zip", "kv-store")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(zip_bytes(files, "kv-store"))) as archive:
        names = archive.namelist()
        assert names == sorted(names) == [f"kv-store/{f.path}" for f in files]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_non_empty_directory_or_an_existing_zip_is_refused_without_force(
    kv_copy: Path, tmp_path: Path
):
    files = handout_files(kv_copy)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep")
    with pytest.raises(HandoutError, match=r"out: exists and is not empty \(--force"):
        write_directory(files, tmp_path / "out")
    write_directory(files, tmp_path / "out", force=True)
    assert (tmp_path / "out" / "kvstore.py").exists()
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep"
    write_zip(files, tmp_path / "h.zip", "kv")
    with pytest.raises(HandoutError, match=r"h\.zip: already exists \(--force replaces it"):
        write_zip(files, tmp_path / "h.zip", "kv")


def test_an_unwritable_place_is_one_line_naming_it(kv_copy: Path, tmp_path: Path):
    (tmp_path / "file").write_text("")
    with pytest.raises(HandoutError, match=r"file/h\.zip: cannot be written: not a directory"):
        write_zip(handout_files(kv_copy), tmp_path / "file" / "h.zip", "kv")
    with pytest.raises(HandoutError, match=r"file/.*: cannot be written: "):
        write_directory(handout_files(kv_copy), tmp_path / "file" / "out")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True).stdout.strip()  # fmt: skip


def test_the_template_repository_is_one_fixed_commit(kv_copy: Path, tmp_path: Path):
    files = handout_files(kv_copy)
    first = write_git_template(files, tmp_path / "one", "the handout")
    second = write_git_template(files, tmp_path / "two", "the handout")
    assert first == second  # same files, same author and date: the same commit
    log = _git(tmp_path / "one", "log", "--format=%an <%ae> %aI %cn %cI|%s")
    assert log == ("takehome <takehome@localhost> 2000-01-01T00:00:00+00:00 takehome "
                   "2000-01-01T00:00:00+00:00|the handout")  # fmt: skip
    assert _git(tmp_path / "one", "ls-files").splitlines() == [f.path for f in files]
    assert _git(tmp_path / "one", "status", "--porcelain") == ""
    with pytest.raises(HandoutError, match="one: exists and is not empty"):
        write_git_template(files, tmp_path / "one", "again")


def _takehome(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "takehome", "challenge", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_takehome_challenge_handout_writes_a_zip_and_refuses_in_one_line(tmp_path: Path):
    done = _takehome("handout", "kv-store", "--out", "kv.zip", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "kv.zip: a zip of 3 files\n"
    with zipfile.ZipFile(tmp_path / "kv.zip") as archive:
        assert archive.namelist() == ["kv-store/README.md", "kv-store/kvstore.py",
                                      "kv-store/spec.md"]  # fmt: skip
    again = _takehome("handout", "kv-store", "--out", "kv.zip", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (1, "error: kv.zip: already exists (--force "
                                                   "replaces it)\n")  # fmt: skip
    both = _takehome("handout", "kv-store", "--out", "a", "--git", "b", cwd=tmp_path)
    assert both.returncode == 1
    assert "give one of --out DIR|FILE.zip or --git DIR" in both.stderr


def test_write_handout_picks_the_form_from_the_options(kv_copy: Path, tmp_path: Path):
    said = write_handout(kv_copy, "tests", "kv", "m", tmp_path / "g", git=True, force=False)
    assert said.startswith(f"{tmp_path / 'g'}: a git repository of 3 files, commit ")
    said = write_handout(kv_copy, "tests", "kv", "m", tmp_path / "d", git=False, force=False)
    assert said == f"{tmp_path / 'd'}: 3 files"
