"""SECURITY.md rows 15-19, 29 and 31: hostile repositories, URLs, ``.git`` pointers and tree
shapes, through the real pipeline."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from runner.intake.local_repo import POINTER_FLAG
from runner.intake.safe_export import Caps
from tests.conftest import git
from tests.hostile_trees import (
    CONTROL_NAME,
    DEPTH,
    commit_index_entry,
    commit_raw_tree,
    dotdot_tree,
    invalid_utf8_file,
)

pytestmark = pytest.mark.docker

SOLUTION = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store" / "solution"


def _solution_printing(expression: str) -> str:
    return (SOLUTION / "kvstore.py").read_text() + f"\n\nimport os\nprint('SEEN', {expression})\n"


def test_row_15_symlinks_to_host_files_are_never_followed(
    hostile_repo, grade_with, kv_store, kv_image
):
    repo = hostile_repo(
        {
            "kvstore.py": _solution_printing(
                "[os.path.lexists('/submission/' + n) for n in ('leak', 'up', 'inside')]"
            )
        }
    )
    os.symlink("/etc/shadow", repo / "leak")
    os.symlink("../../..", repo / "up")
    os.symlink("kvstore.py", repo / "inside")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "passed"
    assert "SEEN [False, False, True]" in card.tests.output_excerpt
    dropped = sorted(f.message.rsplit(": ", 1)[1] for f in card.flags if f.kind == "intake")
    assert dropped == ["leak", "up"]


def test_row_16_submodules_are_not_fetched(hostile_repo, grade_with, kv_store, kv_image, tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "secret.txt").write_text("from another repository\n")
    git(secret, "init", "-q", "-b", "main")
    git(secret, "add", "-A")
    git(secret, "commit", "-q", "-m", "secret")
    sha = git(secret, "rev-parse", "HEAD")
    repo = hostile_repo(
        {
            ".gitmodules": f'[submodule "vendor"]\n\tpath = vendor\n\turl = file://{secret}\n',
            "kvstore.py": _solution_printing(
                "os.listdir('/submission/vendor') if os.path.isdir('/submission/vendor') else None"
            ),
        }
    )
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{sha},vendor")
    git(repo, "commit", "-q", "-m", "submodule")
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "passed"
    assert "from another repository" not in card.model_dump_json()
    assert "SEEN []" in card.tests.output_excerpt or "SEEN None" in card.tests.output_excerpt


def test_row_17_a_huge_repository_is_rejected_with_the_reason(
    hostile_repo, grade_with, kv_store, kv_image, pipeline_config
):
    repo = hostile_repo({"data/blob.bin": os.urandom(8 * 1024 * 1024)})
    small = replace(pipeline_config.intake, caps=Caps(max_bytes=2 * 1024 * 1024))
    object.__setattr__(pipeline_config, "intake", small)  # a frozen dataclass, test-only
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "repo_rejected"
    assert "larger than 2 MB" in card.reason
    assert card.tests.score is None


def test_row_18_git_filters_lfs_and_hooks_are_inert(
    hostile_repo, grade_with, kv_store, kv_image, tmp_path
):
    fired = tmp_path / "fired"
    repo = hostile_repo(
        {
            ".gitattributes": "* filter=evil\n*.bin filter=lfs diff=lfs merge=lfs -text\n",
            ".lfsconfig": "[lfs]\n\turl = https://127.0.0.1:1/lfs\n",
        }
    )
    git(repo, "config", "filter.evil.smudge", f"touch {fired}-smudge; cat")
    git(repo, "config", "filter.evil.clean", f"touch {fired}-clean; cat")
    git(repo, "config", "core.fsmonitor", f"touch {fired}-fsmonitor; false")
    for hook in ("post-checkout", "post-merge", "reference-transaction", "pre-auto-gc"):
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\ntouch {fired}-{hook}\n")
        path.chmod(0o755)
    before = set(tmp_path.iterdir())
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "passed"
    assert [p.name for p in set(tmp_path.iterdir()) - before if p.name.startswith("fired")] == []


@pytest.mark.parametrize(
    "url",
    [
        "ext::sh -c touch% /tmp/takehome-pwned% >&2",
        "fd::17",
        "file:///etc",
        "https://169.254.169.254/latest/meta-data.git",
        "https://10.0.0.1/candidate.git",
        "https://[::1]/candidate.git",
        "https://127.0.0.1/candidate.git",
        "https://user:token@github.com/a/b.git",
        "http://github.com/a/b.git",
    ],
)
def test_row_19_url_abuse_is_refused_before_git_runs(grade_with, kv_store, kv_image, url):
    card = grade_with(url, kv_store, kv_image, submission_id="abuse")
    assert card.outcome == "repo_rejected"
    assert card.tests.score is None
    assert not Path("/tmp/takehome-pwned").exists()


HOST_CHECKOUT = Path(__file__).parents[2]


@pytest.mark.parametrize("pointer", ["gitdir file to another candidate", "link to the host"])
def test_row_29_git_pointer_files_are_never_followed(
    hostile_repo, grade_with, kv_store, kv_image, tmp_path, pointer
):
    alice = hostile_repo({"NOTES.md": "alice\n"}, name="alice")  # 75 points if followed
    bob = tmp_path / "bob"
    shutil.copytree(kv_store.root / "starter", bob)
    if pointer == "gitdir file to another candidate":
        (bob / ".git").write_text("gitdir: ../alice/.git\n")
        followed = git(alice, "rev-parse", "HEAD")
    else:
        os.symlink(HOST_CHECKOUT / ".git", bob / ".git")
        followed = git(HOST_CHECKOUT, "rev-parse", "HEAD")
    card = grade_with(bob, kv_store, kv_image, submission_id="bob")
    assert card.submission.commit.startswith("sha256:"), "graded as a plain directory"
    assert card.submission.commit != followed
    assert card.tests.score == 0, "the starter's score, not the followed repository's"
    assert card.measurements.history is None, "no history from anywhere"
    assert POINTER_FLAG in [flag.message for flag in card.flags]
    assert followed not in (tmp_path / "out" / "bob" / "report.html").read_text()


def _control_free(text: str) -> bool:
    return not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)


def _shape(kind: str, hostile_repo, tmp_path: Path) -> Path:
    if kind == "invalid UTF-8 names":
        repo = hostile_repo({"NOTES.md": "shape\n"})
        invalid_utf8_file(repo)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "not UTF-8")
        return repo
    if kind == "1,500 directories deep":
        repo = hostile_repo({"NOTES.md": "shape\n"})
        commit_index_entry(repo, "/".join(["d"] * DEPTH) + "/deep.py")
        return repo
    if kind == "a tree git archive refuses":
        repo = hostile_repo({"app.py": "x = 1\n"})
        commit_raw_tree(repo, dotdot_tree(repo))
        return repo
    directory = tmp_path / "dirs"  # 300,000 empty directories in a plain directory
    shutil.copytree(SOLUTION, directory)
    for number in range(300_000):
        os.mkdir(directory / f"e{number}")
    return directory


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("invalid UTF-8 names", "not valid UTF-8"),
        ("1,500 directories deep", "deeper than 100 directories"),
        ("a tree git archive refuses", "git refuses to archive"),
        ("300,000 empty directories", "more than 20000 files"),
    ],
)
def test_row_31_hostile_tree_shapes_are_rejected_within_the_fetch_cap(
    hostile_repo, grade_with, kv_store, kv_image, pipeline_config, tmp_path, kind, reason
):
    source = _shape(kind, hostile_repo, tmp_path)
    capped = replace(pipeline_config.intake, timeout=20.0)
    object.__setattr__(pipeline_config, "intake", capped)  # a frozen dataclass, test-only
    started = time.monotonic()
    card = grade_with(source, kv_store, kv_image, submission_id="shape")
    assert time.monotonic() - started < 20
    assert card.outcome == "repo_rejected", card.reason
    assert reason in card.reason
    assert card.tests.score is None
    assert not [flag for flag in card.flags if flag.kind == "infra"], "never an infra retry"
    for name in ("report.html", "report.md", "scorecard.json"):
        assert _control_free((tmp_path / "out" / "shape" / name).read_text()), name


def test_row_31_control_characters_in_file_names_never_reach_a_report(
    hostile_repo, grade_with, kv_store, kv_image, tmp_path
):
    repo = hostile_repo({CONTROL_NAME: "import os\nos.system('true')\n"})
    os.symlink("/etc/passwd", repo / "leak\x1b]0;pwned\x07")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "names with escapes")
    card = grade_with(repo, kv_store, kv_image, submission_id="names")
    assert card.outcome == "passed"
    assert any("control characters were not exported" in flag.message for flag in card.flags)
    for name in ("report.html", "report.md", "scorecard.json"):
        text = (tmp_path / "out" / "names" / name).read_text()
        assert _control_free(text), name
        assert "\\u001b" not in text, name
        assert "\\u0007" not in text, name
