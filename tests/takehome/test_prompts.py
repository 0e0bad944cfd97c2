"""``takehome review`` as a reviewer types it: each answer checked as typed, bytes that are
not UTF-8 asked again, every answer kept at once in a draft that a rerun takes up, and
nothing typed lost when the input ends early or is interrupted."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from challenges.load import Challenge
from reports.render.pages import write_reports
from reports.scorecard import ChecklistEntry, HumanRow, Scorecard
from runner.reviewing import reviews_of
from runner.store.runs import Store
from tests.reports.conftest import hostile_card

ROOT = Path(__file__).parents[2]
ALL_ROWS = b"3\nclear modules\n2\nthin README\n4\ntrade-offs\n1\nno tests\n"


def review(card_path: Path, typed: bytes, reviewer: str = "ana", **env: str):
    return subprocess.run(
        [sys.executable, "-m", "takehome", "review", str(card_path), "--reviewer", reviewer],
        input=typed, capture_output=True, cwd=ROOT, timeout=120, env={**os.environ, **env},
    )  # fmt: skip


def _error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode().strip().splitlines()
    assert "Traceback" not in result.stderr.decode()
    assert lines, result.stderr
    assert lines[-1].startswith("error: "), result.stderr
    return lines[-1]


# click.prompt says what was wrong with an answer on stdout, beside the question


@pytest.fixture
def card_path(kv_store: Challenge, tmp_path: Path) -> Path:
    return write_reports(hostile_card(kv_store), tmp_path / "cand")["scorecard.json"]


@pytest.fixture
def checklist_path(kv_store: Challenge, tmp_path: Path) -> Path:
    """The scorecard with its first human row turned into a checklist of items a and b."""
    card: Scorecard = hostile_card(kv_store)
    first = next(row for row in card.criteria if isinstance(row, HumanRow))
    items = [ChecklistEntry(id="a", text="explains why", points=2),
             ChecklistEntry(id="b", text="names a trade-off", points=3)]  # fmt: skip
    rows = [row.model_copy(update={"levels": [], "items": items}) if row is first else row
            for row in card.criteria]  # fmt: skip
    changed = card.model_copy(update={"criteria": rows})
    return write_reports(changed, tmp_path / "checklist")["scorecard.json"]


@pytest.mark.parametrize("stdin", ["utf-8:surrogateescape", "utf-8:strict"])
def test_a_latin1_byte_is_asked_again_not_a_crash(card_path, stdin):
    typed = b"3\ncaf\xe9\ncafe\n" + ALL_ROWS.split(b"\n", 2)[2]
    result = review(card_path, typed, PYTHONIOENCODING=stdin)
    assert result.returncode == 0, result.stderr
    assert "that line is not UTF-8 text (byte 0xe9)" in result.stdout.decode()
    assert "ratings of ana stored" in result.stdout.decode()


def _draft_of(card_path: Path, reviewer: str = "ana") -> Path:
    return card_path.parent / f".review-draft-{reviewer}.json"


def _stored(tmp_path: Path, card_path: Path) -> dict[str, dict[str, object]]:
    """The stored review of ana, row by row (the test's own data directory's store)."""
    with Store.open(f"sqlite:///{tmp_path / 'data' / 'takehome' / 'takehome.db'}") as store:
        (done,) = reviews_of(store, card_path)
    return {r.row: r.model_dump(include={"level", "items", "justification"}) for r in done.ratings}


def test_input_that_ends_midway_keeps_what_was_typed(card_path, tmp_path):
    result = review(card_path, b"3\nclear modules\n2\n")
    assert result.returncode == 1
    line = _error_line(result)
    draft = _draft_of(card_path)
    assert line == (
        "error: the input ended before the review was complete; nothing was stored, but your "
        f"answers so far are kept in {draft}: run takehome review again to take them up"
    )
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    kept = json.loads(draft.read_text())
    assert kept["reviewer"] == "ana"
    assert kept["ratings"]["organisation"] == {"level": 3, "justification": "clear modules"}
    assert kept["ratings"]["documentation"] == {"level": 2}
    # the draft is a ratings file: finished there, it completes the review
    for row, level in (("documentation", 2), ("design_reasoning", 4), ("testing_habits", 1)):
        kept["ratings"][row] = {"level": level, "justification": "later"}
    draft.write_text(json.dumps(kept))
    completed = subprocess.run(
        [sys.executable, "-m", "takehome", "scorecard", "complete", str(card_path),
         "--reviewer", "ana", "--ratings", str(draft)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr


def test_a_rerun_takes_up_the_draft_where_it_stopped_and_removes_it_once_stored(
    card_path, tmp_path
):
    assert review(card_path, b"3\nclear modules\n2\n").returncode == 1
    rest = b"thin README\n4\ntrade-offs\n1\nno tests\n"
    result = review(card_path, rest)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert f"taking up your draft {_draft_of(card_path)}: 3 answer(s) kept" in out
    assert "level: 3  (from your draft)" in out
    assert "justification: clear modules  (from your draft)" in out
    assert "ratings of ana stored" in out
    assert not _draft_of(card_path).exists()
    stored = _stored(tmp_path, card_path)
    assert stored["organisation"] == {"level": 3, "items": None, "justification": "clear modules"}
    assert stored["documentation"] == {"level": 2, "items": None, "justification": "thin README"}
    assert stored["testing_habits"]["level"] == 1


def test_every_answer_is_in_the_draft_as_soon_as_it_is_typed(card_path):
    """Ctrl-C in the middle of a question: the answers before it are on disk already, and
    the message says where (one line, no traceback)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "takehome", "review", str(card_path), "--reviewer", "ana"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    assert process.stdin is not None
    process.stdin.write(b"3\nclear modules\n2\n")
    process.stdin.flush()
    draft, deadline = _draft_of(card_path), time.monotonic() + 60
    while time.monotonic() < deadline:
        if draft.exists() and json.loads(draft.read_text())["ratings"]["documentation"]:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode in {1, 130}
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert f"kept in {draft}: run takehome review again" in _error_line(result)
    kept = json.loads(draft.read_text())["ratings"]
    assert kept["documentation"] == {"level": 2}


def test_a_draft_that_is_not_a_ratings_file_is_refused_not_overwritten(card_path):
    draft = _draft_of(card_path)
    draft.write_text("{not json")
    result = review(card_path, ALL_ROWS)
    assert result.returncode == 1
    assert "fix it, or delete it to start over" in _error_line(result)
    assert draft.read_text() == "{not json"


def test_input_that_ends_before_any_answer_says_nothing_was_stored(card_path):
    result = review(card_path, b"")
    assert result.returncode == 1
    assert _error_line(result).endswith("nothing was typed, nothing was stored")
    assert not _draft_of(card_path).exists()


def test_a_wrong_level_asks_that_row_again(card_path):
    result = review(card_path, b"7\nzero\n" + ALL_ROWS)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "level 7 is out of range 1-4" in out  # the rule build_review applies to a file
    assert "'zero' is not a level: type 1 to 4" in out


def test_an_unknown_checklist_item_asks_that_row_again(checklist_path, tmp_path):
    typed = b"a, zz\na,b,a\nb, a\nboth\n" + ALL_ROWS.split(b"\n", 2)[2]
    result = review(checklist_path, typed)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "unknown checklist item 'zz' (items: a, b)" in out
    assert "a checklist item is listed twice" in out
    first = _stored(tmp_path, checklist_path)["organisation"]
    assert first == {"level": None, "items": ["b", "a"], "justification": "both"}


def test_a_blank_justification_asks_again(card_path):
    result = review(card_path, b"3\n\n   \nfine\n" + ALL_ROWS.split(b"\n", 2)[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().count("a justification is required") == 2


@pytest.mark.parametrize("reviewer", ["a b", "../x", ""])
def test_a_bad_reviewer_name_is_refused_before_any_question(card_path, reviewer):
    result = review(card_path, ALL_ROWS, reviewer=reviewer)
    assert result.returncode == 1
    assert "a reviewer name is letters" in _error_line(result)
    assert b"level:" not in result.stdout


def test_a_second_review_by_the_same_reviewer_is_refused_before_any_question(card_path):
    assert review(card_path, ALL_ROWS).returncode == 0
    again = review(card_path, ALL_ROWS)
    assert again.returncode == 1
    assert "ana has already rated this scorecard" in _error_line(again)
    assert b"level:" not in again.stdout
