"""Reading the runner's fetched copy of a candidate's repository, and nothing more.

git is only asked to read objects (rev-parse, rev-list, cat-file, log) of the bare copy the
runner fetched, with our own configuration and no replace refs: nothing is checked out, so no
hook, filter or attribute of the candidate's ever runs. A shallow boundary is a normal edge of
history there (the runner fetches with a depth), never an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from challenges.base_error import TakehomeError

if TYPE_CHECKING:
    import git

# Our configuration only, never a global one of the grading host; no replace refs rewriting
# what the candidate's objects say.
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class HistoryError(TakehomeError):
    """The repository cannot be opened or the commit does not name a commit in it."""


@contextmanager
def open_repo(git_dir: Path) -> Iterator[git.Repo]:
    """The repository at ``git_dir``. GitPython is imported here, on first use, not with the
    graders: a grade of a plain directory never needs it, and a one-shot grade starts sooner."""
    import git

    try:
        repo = git.Repo(git_dir)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError) as error:
        raise HistoryError(f"{git_dir}: not a git repository ({error})") from None
    repo.git.update_environment(**_GIT_ENV)
    try:
        yield repo
    finally:
        repo.close()


def resolve(repo: git.Repo, rev: str) -> git.Commit:
    """The commit ``rev`` names; a rev that looks like an option never reaches git."""
    import git

    try:
        if rev.startswith("-"):
            raise ValueError(rev)
        sha = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        return repo.commit(sha)
    except (ValueError, git.exc.BadName, git.exc.GitCommandError):
        raise HistoryError(f"{rev!r} does not name a commit of the repository") from None


def committed_at(commit: git.Commit) -> datetime:
    return datetime.fromtimestamp(commit.committed_date, UTC)


def is_shallow(repo: git.Repo) -> bool:
    marker = Path(repo.git_dir) / "shallow"
    return marker.is_file() and marker.stat().st_size > 0
