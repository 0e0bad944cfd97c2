"""Which local directories are git repositories, decided without following anything.

Only a real ``.git`` directory (lstat) makes a directory a repository, or the directory being
a bare ``*.git`` repository itself. A ``.git`` file (``gitdir: ../alice/.git``) or a ``.git``
symlink is never followed: git would follow it, and Bob's directory would be graded as
Alice's commit, or the host checkout's history would end up in a report. A git directory
that borrows refs or objects from another (``commondir``, alternates) is refused for the
same reason.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

from runner.errors import RepoRejected

POINTER_FLAG = (
    "the directory's .git is a file or a link, which is never followed: graded as a plain directory"
)
_REDIRECTS = ("commondir", "objects/info/alternates", "objects/info/http-alternates")
"""Files with which a git directory borrows another repository's refs or objects."""


def _is_dir(path: Path) -> bool:
    """A real directory (lstat): a link to one is not."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def repository_kind(path: Path) -> Literal["repository", "pointer", "plain"]:
    """``repository`` (a real ``.git`` directory, or a bare ``*.git`` repository without any
    ``.git`` entry), ``pointer`` (its ``.git`` is a file or a link: never followed) or
    ``plain``. git itself would follow a ``.git`` file even in a ``*.git`` directory."""
    dot_git = path / ".git"
    if os.path.lexists(dot_git):
        return "repository" if _is_dir(dot_git) else "pointer"
    return "repository" if path.suffix == ".git" else "plain"


def refuse_borrowed(path: Path, source: str) -> None:
    """A git directory that takes its refs or objects from elsewhere is not taken in: the
    commit graded would be another repository's."""
    git_dir = path / ".git" if _is_dir(path / ".git") else path
    borrowed = [name for name in _REDIRECTS if os.path.lexists(git_dir / name)]
    borrowed += [name for name in ("objects", "refs") if os.path.islink(git_dir / name)]
    if borrowed:
        raise RepoRejected(
            f"{source}: the repository borrows from another one ({', '.join(borrowed)}); "
            "clone it without --shared or --reference, or run git repack -a -d"
        )
