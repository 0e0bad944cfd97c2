"""Who wrote and who committed the history behind the graded commit, for blind review only.

The scorecard keeps authors (``commits``) but never committers, so blind review would not
know a committer who signs with another name or address; merge subjects carry handles too
("Merge pull request #3 from alice-dev/feature"). One ``git log`` of raw identities: no
mailmap of the candidate's rewrites what the commits say.
"""

from __future__ import annotations

from pathlib import Path

from graders.history.git_read import open_repo, resolve

MAX_COMMITS = 500
FIELD_CAP = 200
_FORMAT = "--format=%an%x00%ae%x00%cn%x00%ce%x00%s%x01"


def people_and_subjects(
    git_dir: Path, commit: str, max_commits: int = MAX_COMMITS
) -> tuple[list[tuple[str, str]], list[str]]:
    """((name, email) of every author and committer, subjects) of the newest ``max_commits``."""
    with open_repo(git_dir) as repo:
        target = resolve(repo, commit)
        raw = repo.git.log(
            target.hexsha, f"--max-count={max_commits}", _FORMAT, "--no-show-signature",
            "--no-color", "--no-mailmap", stdout_as_string=False,
        )  # fmt: skip
    people: set[tuple[str, str]] = set()
    subjects: list[str] = []
    for record in raw.decode("utf-8", "replace").split("\x01"):
        fields = [field.strip()[:FIELD_CAP] for field in record.split("\x00")]
        if len(fields) != 5:
            continue
        author, author_email, committer, committer_email, subject = fields
        people |= {(author, author_email), (committer, committer_email)}
        subjects.append(subject)
    return sorted(people), subjects
