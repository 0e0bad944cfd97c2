"""SECURITY.md rows 15-19: hostile repositories and URLs, through the real pipeline."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from runner.intake.safe_export import Caps
from tests.conftest import git

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
