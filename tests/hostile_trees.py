"""Hostile tree shapes (SECURITY.md rows 29 and 31), built with real git and real files.

Deep trees are built and removed without recursion: Python 3.11's ``shutil.rmtree`` recurses
once per level, so pytest's own clean-up of a 1,500-deep tree would fail.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import git

DEPTH = 1_500
BAD_UTF8 = b"bad-\xff\xfe.py"
CONTROL_NAME = "evil\x1b[2J\x07name.py"


def deep_directory(root: Path, depth: int = DEPTH) -> Path:
    """``root/d/d/.../d/deep.py``, ``depth`` directories deep."""
    root.mkdir(parents=True)
    current = root
    for _ in range(depth):
        current = current / "d"
        os.mkdir(current)
    (current / "deep.py").write_text("X = 1\n")
    return root


def remove_tree(root: Path) -> None:
    """``rm -rf root`` with an explicit stack."""
    if not os.path.lexists(root):
        return
    directories, stack = [], [root]
    while stack:
        directory = stack.pop()
        directories.append(directory)
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    os.unlink(entry.path)
    for directory in reversed(directories):
        os.rmdir(directory)


def commit_index_entry(repo: Path, path: str, content: bytes = b"X = 1\n") -> str:
    """Commit one file at ``path`` through the index only: no working tree is written."""
    blob = (
        subprocess.run(
            ["git", "-C", str(repo), "hash-object", "-w", "--stdin"],
            input=content,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    git(repo, "commit", "-q", "-m", "a hostile shape")
    return git(repo, "rev-parse", "HEAD")


def commit_raw_tree(repo: Path, entries: bytes) -> str:
    """Point the branch at a commit whose tree is ``entries`` as written (``git hash-object
    --literally``): shapes ``git mktree`` and ``git add`` refuse to make."""
    tree = (
        subprocess.run(
            ["git", "-C", str(repo), "hash-object", "-t", "tree", "--literally", "-w", "--stdin"],
            input=entries,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    parent = git(repo, "rev-parse", "HEAD")
    commit = git(repo, "commit-tree", tree, "-p", parent, "-m", "a tree git cannot archive")
    git(repo, "update-ref", "refs/heads/main", commit)
    return commit


def dotdot_tree(repo: Path) -> bytes:
    """A tree whose only entry is named ``..``: fetched fine, refused by ``git archive``."""
    blob = git(repo, "rev-parse", "HEAD:app.py")
    return b"100644 ..\0" + bytes.fromhex(blob)


def invalid_utf8_file(root: Path) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(root), BAD_UTF8)))
    path.write_text("X = 1\n")
    return path
