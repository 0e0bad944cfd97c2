"""The history grader reads real git histories with controlled dates against a time window."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from graders.history.commits import measure_history
from graders.history.git_read import HistoryError
from graders.history.time_window import TimeWindow, choose_commit, window_bounds

OPENED = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
FOUR_HOURS = 4 * 3600.0
FORGED = "commit dates come from the candidate's machine and can be forged"


class Timeline:
    """A real repository whose commits carry the dates a test gives them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str | None = None) -> str:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.root.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test Candidate",
            "GIT_AUTHOR_EMAIL": "candidate@example.com",
            "GIT_COMMITTER_NAME": "Test Candidate",
            "GIT_COMMITTER_EMAIL": "candidate@example.com",
        }
        if when is not None:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        result = subprocess.run(
            ["git", "-C", str(self.root), *args], env=env, capture_output=True, check=True
        )
        return result.stdout.decode().strip()

    def commit(
        self, when: str, files: dict[str, str | bytes] | None = None, message: str = "work"
    ) -> str:
        """Commit ``files`` (none: an empty commit) dated ``when`` ("2026-11-22 09:00 +0000")."""
        for name, content in (files or {}).items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")

    @property
    def git_dir(self) -> Path:
        return self.root / ".git"


def lines(count: int, tag: str = "x") -> str:
    return "".join(f"{tag} {number}\n" for number in range(count))


@pytest.fixture
def timeline(tmp_path: Path) -> Timeline:
    return Timeline(tmp_path / "candidate")


@pytest.fixture
def late_history(timeline: Timeline) -> list[str]:
    """Two commits inside the 08:00-12:00 window, then two after it."""
    return [
        timeline.commit("2026-11-22 08:30:00 +0000", {"a.py": lines(10)}, "start"),
        timeline.commit("2026-11-22 11:50:00 +0000", {"b.py": lines(30)}, "finish"),
        timeline.commit("2026-11-22 12:10:00 +0000", {"c.py": lines(5)}, "late fix"),
        timeline.commit("2026-11-22 14:00:00 +0000", {"d.py": lines(5)}, "later fix"),
    ]


def window(**overrides: object) -> TimeWindow:
    values: dict[str, object] = {"start": OPENED, "length_seconds": FOUR_HOURS}
    values.update(overrides)
    return TimeWindow.model_validate(values)


def test_without_a_start_the_window_opens_at_the_first_commit(timeline: Timeline):
    timeline.commit("2026-11-22 09:15:00 +0000", {"a.py": lines(3)})
    head = timeline.commit("2026-11-22 10:00:00 +0000", {"a.py": lines(4)})
    start, end = window_bounds(timeline.git_dir, head, window(start=None))
    assert start == datetime(2026, 11, 22, 9, 15, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 13, 15, tzinfo=UTC)
    measured = measure_history(timeline.git_dir, head, window(start=None))
    assert (measured.window_start, measured.window_end) == (start, end)


def test_an_explicit_start_is_used_and_older_commits_are_not_late(timeline: Timeline):
    timeline.commit("2026-11-21 18:00:00 +0000", {"starter.py": lines(3)}, "starter")
    head = timeline.commit("2026-11-22 09:00:00 +0000", {"a.py": lines(3)})
    measured = measure_history(timeline.git_dir, head, window())
    assert measured.window_start == OPENED
    assert measured.window_end == OPENED + timedelta(hours=4)
    assert measured.late_commits == 0
    assert measured.early_commits == 1
    assert [c.late for c in measured.commits] == [False, False]
    assert choose_commit(timeline.git_dir, head, window(), "last_in_window") == (head, [])


def test_a_deadline_before_start_plus_length_ends_the_window(timeline: Timeline):
    timeline.commit("2026-11-22 08:30:00 +0000", {"a.py": lines(3)})
    early = timeline.commit("2026-11-22 09:30:00 +0000", {"a.py": lines(4)})
    head = timeline.commit("2026-11-22 10:30:00 +0000", {"a.py": lines(5)})
    deadline = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    measured = measure_history(timeline.git_dir, head, window(deadline=deadline))
    assert measured.window_end == deadline
    assert measured.late_commits == 1
    assert choose_commit(timeline.git_dir, head, window(deadline=deadline), "last_in_window")[
        0
    ] == (early)
    later = datetime(2026, 11, 23, tzinfo=UTC)
    assert window(deadline=later).bounds(OPENED)[1] == OPENED + timedelta(hours=4)


def test_late_commits_are_flagged_and_the_last_commit_inside_is_graded(
    timeline: Timeline, late_history: list[str]
):
    head = late_history[-1]
    measured = measure_history(timeline.git_dir, head, window())
    assert measured.late_commits == 2
    assert [c.late for c in measured.commits] == [False, False, True, True]
    assert "2 commits dated after the window ended (2026-11-22T12:00:00Z)" in measured.flags()
    assert measured.metrics()["late_commits"] == 2.0

    graded, notes = choose_commit(timeline.git_dir, head, window(), "last_in_window")
    assert graded == late_history[1]
    assert notes == [
        "2 commits after the window (ends 2026-11-22T12:00:00Z) were not graded; "
        f"graded {late_history[1][:7]}"
    ]
    in_time = measure_history(timeline.git_dir, graded, window())
    assert in_time.graded_commit == graded
    assert in_time.late_commits == 0
    assert len(in_time.commits) == 2


def test_policy_head_grades_head_and_names_the_late_commits(
    timeline: Timeline, late_history: list[str]
):
    graded, notes = choose_commit(timeline.git_dir, late_history[-1], window(), "head")
    assert graded == late_history[-1]
    assert notes == [
        f"graded head {late_history[-1][:7]}, which includes 2 commits dated after the window "
        f"(ends 2026-11-22T12:00:00Z): {late_history[2][:7]}, {late_history[3][:7]}"
    ]
    graded, notes = choose_commit(timeline.git_dir, late_history[1], window(), "head")
    assert (graded, notes) == (late_history[1], [])


def test_with_no_commit_inside_the_window_head_is_graded(timeline: Timeline):
    timeline.commit("2026-11-23 09:00:00 +0000", {"a.py": lines(3)})
    head = timeline.commit("2026-11-23 10:00:00 +0000", {"a.py": lines(4)})
    graded, notes = choose_commit(timeline.git_dir, "main", window(), "last_in_window")
    assert graded == head
    assert len(notes) == 1
    assert notes[0].startswith("no commit inside the window")
    assert notes[0].endswith(f"graded head {head[:7]}")


def test_a_commit_dated_inside_after_a_late_one_is_not_graded(timeline: Timeline):
    in_time = timeline.commit("2026-11-22 09:00:00 +0000", {"a.py": lines(3)})
    timeline.commit("2026-11-22 13:00:00 +0000", {"a.py": lines(4)})
    head = timeline.commit("2026-11-22 11:00:00 +0000", {"a.py": lines(5)}, "backdated")
    graded, notes = choose_commit(timeline.git_dir, head, window(), "last_in_window")
    assert graded == in_time
    assert notes[1].endswith("the dates are out of order")


def test_one_commit_holding_everything_is_flagged_as_evidence(timeline: Timeline):
    timeline.commit("2026-11-22 08:10:00 +0000", message="empty start")
    head = timeline.commit("2026-11-22 11:00:00 +0000", {"a.py": lines(50), "b.py": lines(7)})
    measured = measure_history(timeline.git_dir, head, window())
    assert measured.single_commit
    assert measured.largest_commit_share == 1.0
    assert "the whole submission is in a single commit" in measured.flags()
    assert measured.metrics() == {
        "commits": 2.0,
        "late_commits": 0.0,
        "span_hours": pytest.approx(2 + 50 / 60, abs=1e-3),
        "single_commit": 1.0,
        "largest_commit_share": 1.0,
    }
    empty, full = measured.commits
    assert (empty.files_changed, empty.insertions, empty.deletions) == (0, 0, 0)
    assert (full.files_changed, full.insertions) == (2, 57)


def test_largest_share_counts_inserted_lines(timeline: Timeline):
    timeline.commit("2026-11-22 08:30:00 +0000", {"a.py": lines(10)})
    timeline.commit("2026-11-22 09:30:00 +0000", {"b.py": lines(30)})
    head = timeline.commit("2026-11-22 10:30:00 +0000", {"a.py": lines(5)})
    measured = measure_history(timeline.git_dir, head, window())
    assert not measured.single_commit
    assert measured.largest_commit_share == 0.75  # 30 of 10 + 30 + 0 inserted lines
    assert [c.deletions for c in measured.commits] == [0, 0, 5]
    assert measured.span_hours == 2.0


def test_binary_files_count_as_changed_files_without_lines(timeline: Timeline):
    timeline.commit("2026-11-22 08:30:00 +0000", {"a.py": lines(4)})
    head = timeline.commit("2026-11-22 09:00:00 +0000", {"logo.png": bytes(range(256)) * 8})
    binary = measure_history(timeline.git_dir, head, window()).commits[-1]
    assert (binary.files_changed, binary.insertions, binary.deletions) == (1, 0, 0)


def test_a_shallow_clone_is_measured_and_marked_shallow(
    timeline: Timeline, late_history: list[str], tmp_path: Path
):
    bare = tmp_path / "shallow.git"
    subprocess.run(
        ["git", "clone", "-q", "--bare", "--depth", "1", f"file://{timeline.root}", str(bare)],
        check=True,
        capture_output=True,
    )
    measured = measure_history(bare, late_history[-1], window(start=None))
    assert measured.shallow
    assert [c.sha for c in measured.commits] == [late_history[-1]]
    assert measured.window_start == datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert "the history is shallow: commits beyond the fetched depth are not seen" in (
        measured.flags()
    )
    assert choose_commit(bare, "HEAD", window(), "last_in_window")[0] == late_history[-1]
    assert not measure_history(timeline.git_dir, late_history[-1], window()).shallow


def test_merge_commits_are_walked_and_counted_once(timeline: Timeline):
    base = timeline.commit("2026-11-22 08:30:00 +0000", {"a.py": lines(10)})
    timeline.git("checkout", "-q", "-b", "feature")
    feature = timeline.commit("2026-11-22 09:00:00 +0000", {"f.py": lines(20)}, "feature")
    timeline.git("checkout", "-q", "main")
    main = timeline.commit("2026-11-22 09:30:00 +0000", {"m.py": lines(10)}, "main work")
    timeline.git(
        "merge", "-q", "--no-ff", "-m", "merge feature", "feature", when="2026-11-22 10:00 +0000"
    )
    merge = timeline.git("rev-parse", "HEAD")
    measured = measure_history(timeline.git_dir, merge, window())
    assert {c.sha for c in measured.commits} == {base, feature, main, merge}
    merged = measured.commits[-1]
    assert merged.merge
    assert merged.subject == "merge feature"
    assert (merged.files_changed, merged.insertions) == (0, 0)
    assert measured.largest_commit_share == 0.5
    assert choose_commit(timeline.git_dir, merge, window(), "last_in_window") == (merge, [])


def test_a_push_time_replaces_commit_dates(timeline: Timeline, late_history: list[str]):
    head = late_history[-1]
    plain = measure_history(timeline.git_dir, head, window())
    assert (plain.time_source, plain.dates_can_be_forged) == ("commit dates", True)
    assert FORGED in plain.flags()

    in_time = measure_history(
        timeline.git_dir, head, window(), push_time=OPENED + timedelta(hours=3)
    )
    assert (in_time.time_source, in_time.dates_can_be_forged) == ("push time", False)
    assert FORGED not in in_time.flags()
    assert in_time.late_commits == 0  # our server saw them all before the end

    late_push = datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=-5)))
    pushed_late = measure_history(timeline.git_dir, head, window(), push_time=late_push)
    assert pushed_late.push_time == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    assert pushed_late.late_commits == 2
    assert (
        "pushed at 2026-11-22T15:00:00Z, after the window ended (2026-11-22T12:00:00Z)"
        in pushed_late.flags()
    )


def test_dates_in_other_timezones_are_converted_to_utc(timeline: Timeline):
    head = timeline.commit("2026-11-22 23:30:00 -0500", {"a.py": lines(2)})
    commit = measure_history(timeline.git_dir, head, window(start=None)).commits[0]
    assert commit.committed_at == datetime(2026, 11, 23, 4, 30, tzinfo=UTC)
    assert commit.authored_at == commit.committed_at
    assert commit.committed_at.utcoffset() == timedelta(0)
    eastern = datetime(2026, 11, 22, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    assert window(start=eastern).start == datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert str(window(start=eastern).start).endswith("+00:00")


def test_candidate_text_is_cleaned_and_identities_kept(timeline: Timeline):
    message = "\x1b[31mred\x1b[0m <b>bold</b> subject \x1b]0;title\x07" + "y" * 200
    head = timeline.commit(
        "2026-11-22 09:00:00 +0000", {"a.py": lines(2)}, message + "\n\nbody\nmore"
    )
    commit = measure_history(timeline.git_dir, head, window()).commits[0]
    assert commit.subject.startswith("red <b>bold</b> subject y")
    assert "\x1b" not in commit.subject
    assert len(commit.subject) == 120
    assert (commit.author_name, commit.author_email) == ("Test Candidate", "candidate@example.com")
    assert commit.short == head[:7]


def test_more_commits_than_the_cap_keeps_the_newest(timeline: Timeline):
    shas = [
        timeline.commit(f"2026-11-22 09:{minute:02d}:00 +0000", {"a.py": lines(minute + 1)})
        for minute in range(6)
    ]
    measured = measure_history(timeline.git_dir, shas[-1], window(), max_commits=4)
    assert measured.truncated
    assert [c.sha for c in measured.commits] == shas[2:]
    assert measured.commits[0].insertions == 1
    assert "only the newest 4 commits were measured" in measured.flags()
    assert not measure_history(timeline.git_dir, shas[-1], window(), max_commits=6).truncated


def test_the_window_must_be_timezone_aware_and_positive():
    with pytest.raises(ValidationError, match="timezone"):
        TimeWindow(start=datetime(2026, 11, 22, 8, 0), length_seconds=10)
    with pytest.raises(ValidationError, match="greater than 0"):
        TimeWindow(start=OPENED, length_seconds=0)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        TimeWindow(start=OPENED, length_seconds=10, extra=1)  # type: ignore[call-arg]


def test_bad_repositories_and_revisions_are_expected_errors(timeline: Timeline, tmp_path: Path):
    head = timeline.commit("2026-11-22 09:00:00 +0000", {"a.py": "x\n"})
    with pytest.raises(HistoryError, match="not a git repository"):
        measure_history(tmp_path / "missing", head, window())
    for rev in ("no-such-branch", "--output=/tmp/x", "0" * 40):
        with pytest.raises(HistoryError, match="does not name a commit"):
            choose_commit(timeline.git_dir, rev, window(), "head")
    assert measure_history(timeline.git_dir, head, window()).graded_commit == head


# --- one lateness rule for the choice and the evidence -----------------------------------------


def test_the_evidence_lists_the_late_commits_the_window_left_out(
    timeline: Timeline, late_history: list[str]
):
    head = late_history[-1]
    graded, _ = choose_commit(timeline.git_dir, head, window(), "last_in_window")
    measured = measure_history(timeline.git_dir, graded, window(), head=head)
    assert measured.graded_commit == graded == late_history[1]
    assert [c.sha for c in measured.commits] == late_history
    assert [c.late for c in measured.commits] == [False, False, True, True]
    assert measured.late_commits == 2
    assert not measured.single_commit


def test_single_commit_is_flagged_only_when_the_history_has_one(timeline: Timeline):
    first = timeline.commit("2026-11-22 09:00:00 +0000", {"a.py": lines(40)}, "everything")
    head = timeline.commit("2026-11-22 13:00:00 +0000", {"a.py": lines(41)}, "late fix")
    graded, _ = choose_commit(timeline.git_dir, head, window(), "last_in_window")
    assert graded == first
    measured = measure_history(timeline.git_dir, graded, window(), head=head)
    assert len(measured.commits) == 2
    assert not measured.single_commit
    assert "the whole submission is in a single commit" not in measured.flags()
    alone = measure_history(timeline.git_dir, first, window())
    assert alone.single_commit, "one commit is still flagged"


@pytest.mark.parametrize("minutes_after_end", [-5, 0, 30])
def test_a_push_time_decides_lateness_the_same_way_for_the_choice_and_the_evidence(
    timeline: Timeline, late_history: list[str], minutes_after_end: int
):
    head = late_history[-1]
    pushed = OPENED + timedelta(hours=4, minutes=minutes_after_end)
    graded, notes = choose_commit(timeline.git_dir, head, window(), "last_in_window", pushed)
    measured = measure_history(timeline.git_dir, graded, window(), pushed, head=head)
    graded_index = late_history.index(graded)
    assert all(not c.late for c in measured.commits[: graded_index + 1])
    assert all(c.late for c in measured.commits[graded_index + 1 :])
    if minutes_after_end <= 0:  # received in time: no date can make a commit late
        assert (graded, notes) == (head, [])
        assert measured.late_commits == 0
    else:
        assert graded == late_history[1]
        assert measured.late_commits == 2
