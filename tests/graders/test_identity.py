"""Identity tokens: every place a submission says who made it, every spelling of a name."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from graders import identity
from graders.identity import identity_tokens


def _lower(tokens: list[str]) -> set[str]:
    return {token.lower() for token in tokens}


def test_urls_and_handles_in_license_and_readme(tmp_path: Path):
    (tmp_path / "LICENSE").write_text(
        "MIT License\n\nCopyright (c) 2026 the kv authors, https://gitlab.com/qwyndor/kv\n"
    )
    (tmp_path / "README.md").write_text(
        "# KV\n\nSee github.com/zorblax/kv-store, or zed-works.github.io.\n"
        "GitHub: frobnitz-7\nMail: Kind Human <kind@humane.example>\n"
    )
    tokens = _lower(identity_tokens("./unpacked", [], tmp_path))
    assert {"qwyndor", "zorblax", "zed-works", "frobnitz-7", "kind@humane.example"} <= tokens
    assert "https://gitlab.com/qwyndor/kv" in tokens


def test_merge_subjects_name_the_fork_owner():
    subjects = [
        "Merge pull request #3 from mergeling/feature-x",
        "Merge branch 'main' of github.com:branchowner/kv",
        "Merge remote-tracking branch 'origin/trackerella-fix'",
        "an ordinary commit from home",
    ]
    tokens = _lower(identity_tokens("./x", [], None, subjects=subjects))
    assert {"mergeling", "branchowner", "trackerella-fix", "feature-x"} <= tokens
    assert not {"trackerella", "feature", "fix"} & tokens  # the work's words stay readable
    assert "home" not in tokens
    assert "github.com" not in tokens


def test_the_ref_and_the_path_components():
    tokens = _lower(identity_tokens("/srv/subs/pelliday/unpacked-zip", [], None,
                                    ref="refs/heads/veltrop/solution"))  # fmt: skip
    assert {"pelliday", "unpacked-zip", "veltrop", "veltrop/solution"} <= tokens
    assert not {"srv", "refs", "heads"} & tokens


def test_a_sha_ref_is_not_an_identity():
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert identity_tokens("./x", [], None, ref=sha) == identity_tokens("./x", [], None)


def test_the_url_owner_and_repository():
    tokens = _lower(identity_tokens("https://github.com/alice-dev/alice-kv.git", [], None))
    assert {"alice-dev", "alice", "alice-kv"} <= tokens
    assert "github" not in tokens


def test_a_name_in_the_ways_code_spells_it():
    forms = {t.lower() for t in identity.from_names(["Kind Human"])}
    assert {"kindhuman", "kind_human", "kind-human", "kind.human", "humankind"} <= forms
    assert "KindHuman" in identity.from_names(["kind human"])


def test_authors_give_their_names_and_addresses():
    tokens = _lower(identity_tokens("./x", [("Kind Human", "kh.private@humane.example")], None))
    assert {"kind human", "kindhuman", "kh.private@humane.example", "private", "humane"} <= tokens


def test_committers_and_merges_are_read_from_the_history(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Kind Human", "GIT_AUTHOR_EMAIL": "kind@humane.example",
        "GIT_COMMITTER_NAME": "Quill Committer", "GIT_COMMITTER_EMAIL": "qc@quillmail.example",
    }  # fmt: skip

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                              capture_output=True, text=True)  # fmt: skip
        return done.stdout.strip()

    git("init", "-q", "-b", "main")
    (repo / "a.py").write_text("x = 1\n")
    git("add", "-A")
    git("commit", "-q", "-m", "start")
    git("checkout", "-q", "-b", "feature")
    (repo / "b.py").write_text("y = 2\n")
    git("add", "-A")
    git("commit", "-q", "-m", "feature")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-ff", "-m", "Merge pull request #3 from prmaker/feature", "feature")
    head = git("rev-parse", "HEAD")
    tokens = _lower(identity_tokens("./x", [], None, git_dir=repo / ".git", commit=head))
    assert {"quill committer", "quillcommitter", "qc@quillmail.example", "prmaker"} <= tokens
    assert {"kind human", "kind@humane.example"} <= tokens


def test_a_signed_name_stops_at_the_line_and_at_lowercase_words(tmp_path):
    (tmp_path / "README.md").write_text("# KV store by Kind Human\n\nReach me at the address.\n")
    (tmp_path / "LICENSE").write_text("Copyright (c) 2024 Jane Doe and contributors\n")
    tokens = identity_tokens("/srv/x", [], tmp_path, ())
    assert {"Kind Human", "Jane Doe"} <= set(tokens)
    # Words around a name are not the candidate's: redacting them would garble every page.
    assert not {"Reach", "and", "contributors"} & set(tokens)
    assert not [token for token in tokens if "\n" in token]
