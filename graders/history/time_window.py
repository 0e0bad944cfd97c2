"""The time a candidate had, and which commit of their history is graded because of it.

Commit dates are written by the candidate's machine: the window decides what is graded and
what is flagged, and the notes say what was left out, for a reviewer to weigh. Lateness is
decided here once (``is_late``) and the graded commit by one function (``choose_commit``),
whether the submission came from a roster, a queue, the portal or a push webhook: a push
observed by our server at or before the window's end clears its commits' dates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AwareDatetime, Field, field_validator

from graders.base import StrictModel
from graders.history.git_read import committed_at, open_repo, resolve

if TYPE_CHECKING:
    import git  # annotations only: GitPython loads where a repository is opened

MAX_NAMED = 10
"""Late commits named one by one in a note; the rest are only counted."""

Policy = Literal["last_in_window", "head"]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plural(count: int, word: str) -> str:
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
        return start, self._end_from(start)

    def end(self) -> datetime | None:
        """When the time is up, once the start is known (an invitation opened); None before.
        The one rule the grading and the candidate's page share."""
        return None if self.start is None else self._end_from(self.start)

    def _end_from(self, start: datetime) -> datetime:
        end = start + timedelta(seconds=self.length_seconds)
        return end if self.deadline is None else min(end, self.deadline)


def push_clears(end: datetime, push_time: datetime | None) -> bool:
    """Our server received the push at or before the window's end: none of its commits can
    be late, whatever their dates say (a commit cannot be newer than its arrival)."""
    return push_time is not None and push_time <= end


def is_late(when: datetime, end: datetime, push_time: datetime | None = None) -> bool:
    """Dated after the window's end and not cleared by the push. A push after the end clears
    nothing: the dates alone say which of its commits are late."""
    return not push_clears(end, push_time) and when > end


def window_of(repo: git.Repo, sha: str, window: TimeWindow) -> tuple[datetime, datetime]:
    first = min(committed_at(root) for root in repo.iter_commits(sha, max_parents=0))
    return window.bounds(first)


def window_bounds(git_dir: Path, head: str, window: TimeWindow) -> tuple[datetime, datetime]:
    """Start and end of ``window`` for the history of ``head`` (UTC)."""
    with open_repo(git_dir) as repo:
        return window_of(repo, resolve(repo, head).hexsha, window)


def choose_commit(
    git_dir: Path,
    head: str,
    window: TimeWindow,
    policy: Policy,
    push_time: datetime | None = None,
) -> tuple[str, list[str]]:
    """The commit to grade and notes about what was left out.

    ``last_in_window`` walks the first-parent history and grades the newest commit dated
    inside the window that comes before the first commit dated after it: work committed after
    a late commit is not graded, whatever its (forgeable) date says. With no commit inside the
    window the head is graded and the notes say so. ``head`` always grades the head.
    """
    if policy not in ("last_in_window", "head"):
        raise ValueError(f"unknown commit policy {policy!r}")
    with open_repo(git_dir) as repo:
        tip = resolve(repo, head)
        start, end = window_of(repo, tip.hexsha, window)
        chain = [
            (c.hexsha, committed_at(c)) for c in repo.iter_commits(tip.hexsha, first_parent=True)
        ]
    chain.reverse()
    if push_clears(end, push_time):
        return tip.hexsha, []
    ends = iso(end)
    late = [sha[:7] for sha, when in chain if is_late(when, end, push_time)]
    if policy == "head":
        if not late:
            return tip.hexsha, []
        named = ", ".join(late[:MAX_NAMED]) + (", ..." if len(late) > MAX_NAMED else "")
        return tip.hexsha, [
            f"graded head {tip.hexsha[:7]}, which includes "
            f"{plural(len(late), 'commit')} dated after the window (ends {ends}): {named}"
        ]
    first_late = next(
        (i for i, (_, when) in enumerate(chain) if is_late(when, end, push_time)), len(chain)
    )
    inside = [i for i in range(first_late) if chain[i][1] >= start]
    if not inside:
        return tip.hexsha, [
            f"no commit inside the window ({iso(start)} to {ends}); graded head {tip.hexsha[:7]}"
        ]
    chosen = inside[-1]
    sha = chain[chosen][0]
    left_out = chain[chosen + 1 :]
    if not left_out:
        return sha, []
    notes = [
        f"{plural(len(left_out), 'commit')} after the window (ends {ends}) "
        f"{'was' if len(left_out) == 1 else 'were'} not graded; graded {sha[:7]}"
    ]
    if odd := sum(not is_late(when, end, push_time) for _, when in left_out):
        notes.append(
            f"{plural(odd, 'commit')} dated inside the window come after one dated after it: "
            "the dates are out of order"
        )
    return sha, notes


Chooser = Callable[[Path, str], tuple[str, list[str]]]


def commit_chooser(window: TimeWindow, policy: Policy, push_time: datetime | None) -> Chooser:
    """``choose_commit`` bound to one submission's window, for intake to call on the fetched
    history: every entry point that lets the window decide goes through here."""
    return lambda git_dir, head: choose_commit(git_dir, head, window, policy, push_time)
