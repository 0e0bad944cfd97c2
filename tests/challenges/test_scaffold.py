"""``takehome challenge new``: a challenge that validates as created (and, with Docker, passes
``challenge check``), refusing an existing directory and a slug that cannot be an id."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from challenges.errors import ChallengeError
from challenges.handout import handout_files
from challenges.scaffold import new_challenge
from challenges.validate import validate_challenge
from graders.registry import available

ROOT = Path(__file__).parents[2]


def test_a_new_challenge_validates_as_created(tmp_path: Path):
    root = new_challenge("word-count", tmp_path)
    assert root == tmp_path / "word-count"
    challenge = validate_challenge(root, available())
    assert challenge.config.id == "word-count"
    assert challenge.config.title == "Word count"
    assert challenge.tripwire == "test_tripwire.py::test_tripwire"
    assert set(challenge.groups) == {"core", "edge"}
    assert len(challenge.rubric.human) == 2
    assert sorted(p.name for p in (root / "samples").iterdir()) == ["most_common"]
    assert [p.name for p in tmp_path.iterdir()] == ["word-count"]  # no scratch left behind


def test_the_rubric_explains_its_anchors_in_comments(tmp_path: Path):
    text = (new_challenge("demo", tmp_path) / "rubric.toml").read_text()
    assert "# Each level's anchor is a concrete behaviour" in text
    levels = tomllib.loads(text)["criteria"][4]["levels"]
    assert [level["level"] for level in levels] == [1, 2, 3, 4]
    assert all(len(line) <= 100 for line in text.splitlines())


def test_the_new_challenge_hands_out_its_example_and_nothing_hidden(tmp_path: Path):
    root = new_challenge("demo", tmp_path)
    files = [f.path for f in handout_files(root)]
    assert files == ["README.md", "spec.md", "test_examples.py", "wordfreq.py"]
    handed = {f.data for f in handout_files(root)}
    hidden = {p.read_bytes() for name in ("tests", "solution", "samples")
              for p in (root / name).rglob("*") if p.is_file()}  # fmt: skip
    assert handed.isdisjoint(hidden)


def test_an_existing_directory_is_refused(tmp_path: Path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "mine.txt").write_text("keep")
    with pytest.raises(ChallengeError, match="demo: already exists: choose another slug"):
        new_challenge("demo", tmp_path)
    assert [p.name for p in (tmp_path / "demo").iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("slug", ["", "Demo", "word_count", "-demo", "a/b", "..", "a" * 64,
                                  "démo", "demo\n"])  # fmt: skip
def test_a_slug_that_cannot_be_an_id_is_refused(tmp_path: Path, slug: str):
    with pytest.raises(ChallengeError, match="not a challenge slug: use lower-case letters"):
        new_challenge(slug, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_parent_is_one_line(tmp_path: Path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ChallengeError, match=r"file: cannot create the challenge here: "):
        new_challenge("demo", tmp_path / "file")


def _takehome(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "takehome", "challenge", *args], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def test_takehome_challenge_new_then_validate(tmp_path: Path):
    made = _takehome("new", "demo", "--dir", "challenges", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("challenges/demo: new challenge demo; next: ")
    valid = _takehome("validate", "challenges/demo", cwd=tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("demo 0.1.0: ok — 10 tests")
    again = _takehome("new", "demo", "--dir", "challenges", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (
        1, "error: challenges/demo: already exists: choose another slug or --dir\n")  # fmt: skip


@pytest.mark.docker
def test_takehome_challenge_new_then_check_passes(tmp_path: Path):
    assert _takehome("new", "demo", cwd=tmp_path).returncode == 0
    (tmp_path / "work").mkdir()
    checked = _takehome("check", "demo", "--runs", "2", "--mutants", "30", "--out", "out",
                        cwd=tmp_path, TAKEHOME_WORK_DIR=str(tmp_path / "work"))  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    lines = checked.stdout.splitlines()
    assert lines[-1].startswith("PASSED: demo in ")
    assert not [line for line in lines if line.startswith("FAIL")]
    for check in ("sample       solution", "sample       starter", "sample       most_common",
                  "mutation     kill rate "):  # fmt: skip
        assert any(line.startswith(f"ok   {check}") for line in lines), checked.stdout
