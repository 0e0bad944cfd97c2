"""The ratings file of ``takehome scorecard complete``: whatever is given, one ReviewError
naming the file (and the field, where there is one), never a crash."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from reports.review import ReviewError, build_review, check_reviewer, load_ratings
from reports.scorecard import Scorecard

ROWS = ["organisation", "documentation", "design_reasoning", "testing_habits"]
GOOD = {"ratings": {"organisation": {"level": 3, "justification": "clear modules"}}}


def test_a_file_that_is_not_utf8_names_the_line_and_byte(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(
        "ratings:\n  organisation: {level: 3, justification: caf\xe9}\n".encode("latin-1")
    )
    with pytest.raises(ReviewError, match=r"r\.yaml: line 2: is not UTF-8 text \(byte 0xe9\)"):
        load_ratings(path)


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json", "deep"])
def test_a_document_nested_a_thousand_deep_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("[" * 1000 + "]" * 1000)
    with pytest.raises(ReviewError, match=rf"{name}: not valid .*nested too deeply"):
        load_ratings(path)


@pytest.mark.parametrize(
    ("name", "number"),
    [("r.json", "9" * 5000), ("r.json", "-" + "1" * 4301), ("r.yaml", "9" * 5000),
     ("r.yaml", "0x" + "f" * 5000), ("r", "0b" + "1" * 20000)],
)  # fmt: skip
def test_a_level_of_thousands_of_digits_names_the_field(tmp_path, name, number):
    path = tmp_path / name
    path.write_text(
        f'{{"ratings": {{"organisation": {{"level": {number}, "justification": "x"}}}}}}'
    )
    with pytest.raises(ReviewError, match=rf"{name}: ratings\.organisation\.level: "):
        load_ratings(path)


def test_a_large_level_that_parses_is_refused_without_printing_its_digits(
    tmp_path, hostile_scorecard: Scorecard
):
    path = tmp_path / "r.yaml"
    others = "".join(f"  {row}: {{level: 2, justification: x}}\n" for row in ROWS[1:])
    huge = "0x" + "f" * 90  # 109 decimal digits: parsed, then out of range
    path.write_text(f"ratings:\n  organisation: {{level: {huge}, justification: x}}\n{others}")
    ratings = load_ratings(path).ratings
    with pytest.raises(ReviewError, match=r"organisation: level far is out of range 1-4"):
        build_review(hostile_scorecard, "ana", ratings, str(path))


@pytest.mark.parametrize("name", ["ratings.txt", "ratings", "ratings.conf"])
@pytest.mark.parametrize("text", [json.dumps(GOOD), "ratings:\n  organisation: {level: 3}\n"])
def test_any_name_is_read_by_its_content(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    assert load_ratings(path).ratings["organisation"].level == 3


def test_a_json_file_with_a_syntax_error_names_the_file_as_json(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"ratings": ')
    with pytest.raises(ReviewError, match=r"r\.json: not valid JSON: Expecting value"):
        load_ratings(path)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(ReviewError, match=rf"{tmp_path}: is a directory, not a regular file"):
        load_ratings(tmp_path)


def _release_readers(fifo: Path, seconds: float = 10) -> None:
    """A writer that opens ``fifo`` (when a reader waits on it) and closes it: a reader that
    blocked on the FIFO then reads nothing instead of hanging the test run."""

    def release() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # ENXIO: no reader yet
                time.sleep(0.2)

    threading.Thread(target=release, daemon=True).start()


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "ratings.yaml"
    os.mkfifo(fifo)
    _release_readers(fifo)
    with pytest.raises(ReviewError, match=r"ratings\.yaml: is a FIFO, not a regular file"):
        load_ratings(fifo)


def test_a_device_is_refused(tmp_path):
    with pytest.raises(ReviewError, match=r"/dev/null: is a character device"):
        load_ratings(Path("/dev/null"))


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff"])
def test_an_empty_file_says_what_it_should_hold(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(ReviewError, match=r"r\.yaml: the file is empty; expected ratings: "):
        load_ratings(path)


@pytest.mark.parametrize("text", ["- 1\n- 2\n", "just words\n", "42\n", "null\n"])
def test_a_document_that_is_not_a_mapping_says_what_it_should_hold(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(ReviewError, match=r"r\.yaml: not a mapping of fields; expected ratings"):
        load_ratings(path)


@pytest.mark.parametrize(
    "text",
    [
        "ratings:\n  organisation: {level: 2, justification: 2026-02-30}\n",  # no such date
        "ratings: !!python/object:os.system {}\n",
        "a: &x [*x]\n",
    ],
)
def test_what_the_yaml_loader_refuses_is_one_error_naming_the_file(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(ReviewError, match=r"r\.yaml: "):
        load_ratings(path)


def test_a_checklist_item_listed_twice_counts_once_or_is_refused(hostile_scorecard: Scorecard):
    from reports.scorecard import ChecklistEntry, HumanRow

    rows = [
        row.model_copy(update={"levels": [], "items": [ChecklistEntry(id="a", text="A", points=1)]})
        if isinstance(row, HumanRow)
        else row
        for row in hostile_scorecard.criteria
    ]
    card = hostile_scorecard.model_copy(update={"criteria": rows})
    from reports.review import RatingInput

    ratings = {
        row.id: RatingInput(items=["a", "a"], justification="j")
        for row in rows
        if isinstance(row, HumanRow)
    }
    with pytest.raises(ReviewError, match=r"a checklist item is listed twice"):
        build_review(card, "ana", ratings, "r.yaml")


@pytest.mark.parametrize("reviewer", ["ana\n", "ana\r\n", " ana", "a" * 65])
def test_a_reviewer_name_with_a_final_newline_or_space_is_refused(reviewer):
    with pytest.raises(ReviewError, match="a reviewer name is letters"):
        check_reviewer(reviewer)


def test_an_unknown_row_is_named_in_at_most_60_characters(tmp_path, hostile_scorecard):
    path = tmp_path / "r.yaml"
    path.write_text(json.dumps({"ratings": {"x" * 5000: {"level": 1}}}))
    with pytest.raises(ReviewError, match=r"r\.yaml: x{60}: not a human row") as refused:
        build_review(hostile_scorecard, "ana", load_ratings(path).ratings, str(path))
    assert len(str(refused.value)) < 400
