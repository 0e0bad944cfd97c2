"""``takehome review`` as a reviewer types it: each answer checked as typed, bytes that are
not UTF-8 asked again, and nothing typed lost when the input ends early."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from challenges.load import Challenge
from reports.render.pages import write_reports
from reports.scorecard import ChecklistEntry, HumanRow, Scorecard
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


def test_input_that_ends_midway_keeps_what_was_typed(card_path, tmp_path):
    result = review(card_path, b"3\nclear modules\n2\n")
    assert result.returncode == 1
    line = _error_line(result)
    assert line.startswith("error: the input ended before the review was complete")
    draft = Path(re.search(r"kept in (\S+\.yaml)", line).group(1))
    kept = yaml.safe_load(draft.read_text())
    assert kept["reviewer"] == "ana"
    assert kept["ratings"]["organisation"] == {"level": 3, "justification": "clear modules"}
    assert kept["ratings"]["documentation"] == {"level": 2}
    # the draft is a ratings file: finished there, it completes the review
    for row, level in (("documentation", 2), ("design_reasoning", 4), ("testing_habits", 1)):
        kept["ratings"][row] = {"level": level, "justification": "later"}
    draft.write_text(yaml.safe_dump(kept))
    completed = subprocess.run(
        [sys.executable, "-m", "takehome", "scorecard", "complete", str(card_path),
         "--reviewer", "ana", "--ratings", str(draft)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr


def test_input_that_ends_before_any_answer_says_nothing_was_stored(card_path):
    result = review(card_path, b"")
    assert result.returncode == 1
    assert _error_line(result).endswith("nothing was typed, nothing was stored")


def test_a_wrong_level_asks_that_row_again(card_path):
    result = review(card_path, b"7\nzero\n" + ALL_ROWS)
    assert result.returncode == 0, result.stderr
    assert "'7' is not a level: type 1 to 4" in result.stdout.decode()
    assert "'zero' is not a level" in result.stdout.decode()


def test_an_unknown_checklist_item_asks_that_row_again(checklist_path):
    typed = b"a, zz\na,b,a\nboth\n" + ALL_ROWS.split(b"\n", 2)[2]
    result = review(checklist_path, typed)
    assert result.returncode == 0, result.stderr
    assert "'zz' is not an item of this row (items: a, b)" in result.stdout.decode()


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
