"""The history grader: when the work was committed, measured against the challenge's time window.

Commit dates are written by the candidate's machine, so everything here is evidence for a
reviewer, never proof: the flags say so unless a push time observed by our own server is given.
A single big commit or late commits are facts to look at, not penalties.

The repository is read through ``graders.history.git_read`` (one ``log --numstat`` here, with
external diff, textconv and signature checks off); the window is ``graders.history.time_window``'s.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from graders.base import StrictModel
from graders.history.git_read import committed_at, is_shallow, open_repo, resolve
from graders.history.time_window import TimeWindow, is_late, iso, plural, window_of
from graders.text import first_line

if TYPE_CHECKING:
    import git  # annotations only: GitPython loads where a repository is opened

SUBJECT_CAP = 120
IDENT_CAP = 200

_NUMSTAT_OPTIONS = (
    "--format=%x01%H",
    "--numstat",
    "--no-renames",
    "--no-ext-diff",
    "--no-textconv",
    "--no-show-signature",
    "--no-color",
    "--diff-merges=off",
)


class CommitInfo(StrictModel):
    """One commit as a reviewer sees it; names and subject are cleaned candidate text."""

    sha: str = Field(description="Full commit ID.")
    short: str = Field(description="Abbreviated commit ID (7 hex digits).")
    author_name: str = Field(description="Author name; identifying, stripped in blind mode.")
    author_email: str = Field(description="Author email; identifying, stripped in blind mode.")
    authored_at: datetime = Field(description="Author date in UTC (set by the candidate).")
    committed_at: datetime = Field(description="Committer date in UTC (set by the candidate).")
    subject: str = Field(description="First line of the message, cleaned, at most 120 chars.")
    files_changed: int = Field(description="Files changed against the parent (0 for merges).")
    insertions: int = Field(description="Lines added (binary files and merges count 0).")
    deletions: int = Field(description="Lines removed (binary files and merges count 0).")
    merge: bool = Field(description="A merge commit; its changes count in the merged commits.")
    late: bool = Field(description="Dated after the window ended (and not cleared by a push).")


class HistoryMeasurement(StrictModel):
    """The history reachable from the graded commit, oldest first, against the window."""

    commits: list[CommitInfo] = Field(description="Measured commits, oldest first.")
    window_start: datetime = Field(description="Start of the time window (UTC).")
    window_end: datetime = Field(description="End of the time window (UTC).")
    graded_commit: str = Field(description="Full ID of the commit the history is taken from.")
    late_commits: int = Field(description="Measured commits dated after the window end.")
    early_commits: int = Field(description="Measured commits dated before the window start.")
    span_hours: float = Field(description="Hours from the earliest to the latest commit date.")
    single_commit: bool = Field(
        description="Exactly one commit changes files: evidence, not a penalty."
    )
    largest_commit_share: float = Field(
        description="Fraction of all inserted lines that the biggest commit holds (0 if none)."
    )
    time_source: Literal["commit dates", "push time"] = Field(
        description="What decides lateness: the commits' own dates or our server's push time."
    )
    dates_can_be_forged: bool = Field(description="True unless a push time was observed.")
    push_time: datetime | None = Field(description="When our server received the push (UTC).")
    shallow: bool = Field(description="The fetched history stops at a shallow boundary.")
    truncated: bool = Field(description="More commits exist than were measured (newest kept).")

    def metrics(self) -> dict[str, float]:
        """Numbers rubric thresholds may map to levels or points."""
        return {
            "commits": float(len(self.commits)),
            "late_commits": float(self.late_commits),
            "span_hours": self.span_hours,
            "single_commit": 1.0 if self.single_commit else 0.0,
            "largest_commit_share": self.largest_commit_share,
        }

    def flags(self) -> list[str]:
        """Notes shown to the reviewer next to the history rows."""
        notes = []
        end = iso(self.window_end)
        if self.late_commits:
            notes.append(
                f"{plural(self.late_commits, 'commit')} dated after the window ended ({end})"
            )
        if self.push_time is not None and self.push_time > self.window_end:
            notes.append(f"pushed at {iso(self.push_time)}, after the window ended ({end})")
        if self.single_commit:
            notes.append("the whole submission is in a single commit")
        if self.dates_can_be_forged:
            notes.append("commit dates come from the candidate's machine and can be forged")
        if self.shallow:
            notes.append("the history is shallow: commits beyond the fetched depth are not seen")
        if self.truncated:
            notes.append(f"only the newest {len(self.commits)} commits were measured")
        return notes


def _numstat(repo: git.Repo, sha: str, count: int) -> dict[str, tuple[int, int, int]]:
    """Files, insertions and deletions per commit, from one ``git log`` (no per-commit diff)."""
    raw = repo.git.log(sha, f"--max-count={count}", *_NUMSTAT_OPTIONS, stdout_as_string=False)
    stats: dict[str, list[int]] = {}  # files, insertions, deletions
    current: list[int] | None = None
    for line in raw.decode("utf-8", "replace").split("\n"):
        if line.startswith("\x01"):
            current = stats.setdefault(line[1:].strip(), [0, 0, 0])
            continue
        parts = line.split("\t", 2)
        if current is None or len(parts) != 3:
            continue
        current[0] += 1
        current[1] += int(parts[0]) if parts[0].isdigit() else 0  # "-" for binary files
        current[2] += int(parts[1]) if parts[1].isdigit() else 0
    return {sha: (files, added, removed) for sha, (files, added, removed) in stats.items()}


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _info(commit: git.Commit, stats: tuple[int, int, int], late: bool) -> CommitInfo:
    files, added, removed = stats
    return CommitInfo(
        sha=commit.hexsha,
        short=commit.hexsha[:7],
        author_name=first_line(_text(commit.author.name or ""), IDENT_CAP),
        author_email=first_line(_text(commit.author.email or ""), IDENT_CAP),
        authored_at=datetime.fromtimestamp(commit.authored_date, UTC),
        committed_at=committed_at(commit),
        subject=first_line(_text(commit.message), SUBJECT_CAP),
        files_changed=files,
        insertions=added,
        deletions=removed,
        merge=len(commit.parents) > 1,
        late=late,
    )


def measure_history(
    git_dir: Path,
    commit: str,
    window: TimeWindow,
    push_time: datetime | None = None,
    max_commits: int = 500,
    head: str | None = None,
) -> HistoryMeasurement:
    """Measure the history reachable from ``head`` (default: ``commit``, the graded one), at
    most the newest ``max_commits``: the evidence lists every commit fetched, the late ones
    the window left out of grading included, so "single commit" means the history has one.

    Lateness is ``time_window.is_late``'s, the same rule that chose ``commit``: a push seen by
    our server at or before the end clears every commit; a push after the end is flagged on
    its own, since dates alone cannot say which of the pushed commits were made late.
    """
    if max_commits < 1:
        raise ValueError("max_commits must be at least 1")
    if push_time is not None and push_time.tzinfo is None:
        raise ValueError("push_time must be timezone-aware")
    pushed = None if push_time is None else push_time.astimezone(UTC)
    with open_repo(git_dir) as repo:
        target = resolve(repo, commit)
        tip = resolve(repo, head) if head is not None else target
        start, end = window_of(repo, tip.hexsha, window)
        found = list(repo.iter_commits(tip.hexsha, max_count=max_commits + 1))
        truncated = len(found) > max_commits
        found = found[:max_commits]
        stats = _numstat(repo, tip.hexsha, max_commits)
        commits = [
            _info(c, stats.get(c.hexsha, (0, 0, 0)), is_late(committed_at(c), end, pushed))
            for c in reversed(found)
        ]
        shallow = is_shallow(repo)
    dates = [c.committed_at for c in commits]
    inserted, biggest = sum(c.insertions for c in commits), max(c.insertions for c in commits)
    return HistoryMeasurement(
        commits=commits,
        window_start=start,
        window_end=end,
        graded_commit=target.hexsha,
        late_commits=sum(c.late for c in commits),
        early_commits=sum(when < start for when in dates),
        span_hours=round((max(dates) - min(dates)).total_seconds() / 3600, 3),
        single_commit=sum(c.files_changed > 0 for c in commits) == 1 and not truncated,
        largest_commit_share=round(biggest / inserted, 4) if inserted else 0.0,
        time_source="commit dates" if pushed is None else "push time",
        dates_can_be_forged=pushed is None,
        push_time=pushed,
        shallow=shallow,
        truncated=truncated,
    )
