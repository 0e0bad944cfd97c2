"""The history grader: when the work was committed, measured against the challenge's time window.

Commit dates are written by the candidate's machine, so everything here is evidence for a
reviewer, never proof: the flags say so unless a push time observed by our own server is given.
A single big commit or late commits are facts to look at, not penalties.

git is only asked to read objects (rev-list, cat-file and one ``log --numstat`` with external
diff, textconv and signature checks off) of the bare copy the runner fetched: nothing is checked
out, so no hook, filter or attribute of the candidate's ever runs. A shallow boundary is a normal
edge of history there (the runner fetches with a depth), never an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import git
from pydantic import AwareDatetime, Field, field_validator

from challenges.errors import TakehomeError
from graders.base import StrictModel
from graders.text import first_line

SUBJECT_CAP = 120
IDENT_CAP = 200
MAX_NAMED = 10
"""Late commits named one by one in a note; the rest are only counted."""

Policy = Literal["last_in_window", "head"]

# Our configuration only, never a global one of the grading host; no replace refs rewriting
# what the candidate's objects say.
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_TERMINAL_PROMPT": "0",
}
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


class HistoryError(TakehomeError):
    """The repository cannot be opened or the commit does not name a commit in it."""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class TimeWindow(StrictModel):
    """The time a candidate had, in UTC: from ``start`` for ``length_seconds``, cut at the
    roster's deadline when there is one."""

    start: AwareDatetime | None = Field(
        default=None,
        description="When the invitation was opened; None uses the first commit's date.",
    )
    length_seconds: float = Field(gt=0, description="Length of the challenge's time window.")
    deadline: AwareDatetime | None = Field(
        default=None,
        description="Roster deadline; the window ends at min(start + length, deadline).",
    )

    @field_validator("start", "deadline")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def bounds(self, first_commit: datetime) -> tuple[datetime, datetime]:
        """Start and end of the window, given the date of the history's first commit."""
        start = self.start or first_commit.astimezone(UTC)
        end = start + timedelta(seconds=self.length_seconds)
        if self.deadline is not None:
            end = min(end, self.deadline)
        return start, end


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
        end = _iso(self.window_end)
        if self.late_commits:
            notes.append(
                f"{_plural(self.late_commits, 'commit')} dated after the window ended ({end})"
            )
        if self.push_time is not None and self.push_time > self.window_end:
            notes.append(f"pushed at {_iso(self.push_time)}, after the window ended ({end})")
        if self.single_commit:
            notes.append("the whole submission is in a single commit")
        if self.dates_can_be_forged:
            notes.append("commit dates come from the candidate's machine and can be forged")
        if self.shallow:
            notes.append("the history is shallow: commits beyond the fetched depth are not seen")
        if self.truncated:
            notes.append(f"only the newest {len(self.commits)} commits were measured")
        return notes


@contextmanager
def _open(git_dir: Path) -> Iterator[git.Repo]:
    try:
        repo = git.Repo(git_dir)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError) as error:
        raise HistoryError(f"{git_dir}: not a git repository ({error})") from None
    repo.git.update_environment(**_GIT_ENV)
    try:
        yield repo
    finally:
        repo.close()


def _resolve(repo: git.Repo, rev: str) -> git.Commit:
    """The commit ``rev`` names; a rev that looks like an option never reaches git."""
    try:
        if rev.startswith("-"):
            raise ValueError(rev)
        sha = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        return repo.commit(sha)
    except (ValueError, git.exc.BadName, git.exc.GitCommandError):
        raise HistoryError(f"{rev!r} does not name a commit of the repository") from None


def _committed(commit: git.Commit) -> datetime:
    return datetime.fromtimestamp(commit.committed_date, UTC)


def _window(repo: git.Repo, sha: str, window: TimeWindow) -> tuple[datetime, datetime]:
    first = min(_committed(root) for root in repo.iter_commits(sha, max_parents=0))
    return window.bounds(first)


def _is_shallow(repo: git.Repo) -> bool:
    marker = Path(repo.git_dir) / "shallow"
    return marker.is_file() and marker.stat().st_size > 0


def window_bounds(git_dir: Path, head: str, window: TimeWindow) -> tuple[datetime, datetime]:
    """Start and end of ``window`` for the history of ``head`` (UTC)."""
    with _open(git_dir) as repo:
        return _window(repo, _resolve(repo, head).hexsha, window)


def choose_commit(
    git_dir: Path, head: str, window: TimeWindow, policy: Policy
) -> tuple[str, list[str]]:
    """The commit to grade and notes about what was left out.

    ``last_in_window`` walks the first-parent history and grades the newest commit dated
    inside the window that comes before the first commit dated after it: work committed after
    a late commit is not graded, whatever its (forgeable) date says. With no commit inside the
    window the head is graded and the notes say so. ``head`` always grades the head.
    """
    if policy not in ("last_in_window", "head"):
        raise ValueError(f"unknown commit policy {policy!r}")
    with _open(git_dir) as repo:
        tip = _resolve(repo, head)
        start, end = _window(repo, tip.hexsha, window)
        chain = [
            (c.hexsha, _committed(c)) for c in repo.iter_commits(tip.hexsha, first_parent=True)
        ]
    chain.reverse()
    ends = _iso(end)
    late = [sha[:7] for sha, when in chain if when > end]
    if policy == "head":
        if not late:
            return tip.hexsha, []
        named = ", ".join(late[:MAX_NAMED]) + (", ..." if len(late) > MAX_NAMED else "")
        return tip.hexsha, [
            f"graded head {tip.hexsha[:7]}, which includes "
            f"{_plural(len(late), 'commit')} dated after the window (ends {ends}): {named}"
        ]
    first_late = next((i for i, (_, when) in enumerate(chain) if when > end), len(chain))
    inside = [i for i in range(first_late) if chain[i][1] >= start]
    if not inside:
        return tip.hexsha, [
            f"no commit inside the window ({_iso(start)} to {ends}); graded head {tip.hexsha[:7]}"
        ]
    chosen = inside[-1]
    sha = chain[chosen][0]
    left_out = chain[chosen + 1 :]
    if not left_out:
        return sha, []
    notes = [
        f"{_plural(len(left_out), 'commit')} after the window (ends {ends}) "
        f"{'was' if len(left_out) == 1 else 'were'} not graded; graded {sha[:7]}"
    ]
    if odd := sum(when <= end for _, when in left_out):
        notes.append(
            f"{_plural(odd, 'commit')} dated inside the window come after one dated after it: "
            "the dates are out of order"
        )
    return sha, notes


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
        committed_at=_committed(commit),
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
) -> HistoryMeasurement:
    """Measure the history reachable from ``commit`` (at most the newest ``max_commits``).

    A commit is late when dated after the window end. A push time observed by our server at or
    before the end clears every commit (it cannot be later than its arrival; a later date is a
    wrong clock); a push after the end is flagged on its own, since dates alone cannot say
    which of the pushed commits were made late.
    """
    if max_commits < 1:
        raise ValueError("max_commits must be at least 1")
    if push_time is not None and push_time.tzinfo is None:
        raise ValueError("push_time must be timezone-aware")
    pushed = None if push_time is None else push_time.astimezone(UTC)
    with _open(git_dir) as repo:
        target = _resolve(repo, commit)
        start, end = _window(repo, target.hexsha, window)
        found = list(repo.iter_commits(target.hexsha, max_count=max_commits + 1))
        truncated = len(found) > max_commits
        found = found[:max_commits]
        stats = _numstat(repo, target.hexsha, max_commits)
        cleared = pushed is not None and pushed <= end
        commits = [
            _info(c, stats.get(c.hexsha, (0, 0, 0)), not cleared and _committed(c) > end)
            for c in reversed(found)
        ]
        shallow = _is_shallow(repo)
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
        single_commit=sum(c.files_changed > 0 for c in commits) == 1,
        largest_commit_share=round(biggest / inserted, 4) if inserted else 0.0,
        time_source="commit dates" if pushed is None else "push time",
        dates_can_be_forged=pushed is None,
        push_time=pushed,
        shallow=shallow,
        truncated=truncated,
    )
