"""The draft of a review typed in the terminal: written whole and owner-only, read back by
the same rules as a typed answer, gone once the review is stored."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from reports.review import ReviewError
from reports.review_draft import ReviewDraft
from reports.scorecard import Scorecard


def test_each_kept_answer_is_on_disk_owner_only(hostile_scorecard: Scorecard, tmp_path: Path):
    draft = ReviewDraft(hostile_scorecard, "ana", tmp_path / "scorecard.json")
    written = draft.keep("organisation", "level", 3)
    assert written == tmp_path / ".review-draft-ana.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text())["ratings"]["organisation"] == {"level": 3}
    assert [p.name for p in tmp_path.iterdir()] == [".review-draft-ana.json"]  # no temporary
    draft.discard()
    assert not written.exists()


def test_a_draft_is_read_back_by_the_rules_and_a_broken_answer_is_asked_again(
    hostile_scorecard: Scorecard, tmp_path: Path
):
    (tmp_path / ".review-draft-ana.json").write_text(json.dumps({"reviewer": "ana", "ratings": {
        "organisation": {"level": 3, "justification": "ok"},
        "documentation": {"level": 9, "justification": "  "},
        "gone": {"level": 1},
    }}))  # fmt: skip
    draft = ReviewDraft(hostile_scorecard, "ana", tmp_path / "scorecard.json")
    assert draft.load() == (2, 3)
    assert draft.answer("organisation", "level") == 3
    assert draft.answer("documentation", "level") is None


def test_a_draft_in_someone_elses_name_is_refused(hostile_scorecard: Scorecard, tmp_path: Path):
    (tmp_path / ".review-draft-ana.json").write_text('{"reviewer": "bo", "ratings": {}}')
    draft = ReviewDraft(hostile_scorecard, "ana", tmp_path / "scorecard.json")
    with pytest.raises(ReviewError, match=r"the draft belongs to 'bo', not 'ana'; delete it"):
        draft.load()


def test_a_report_directory_that_takes_no_file_falls_back(
    hostile_scorecard: Scorecard, tmp_path: Path
):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    card_path = not_a_directory / "scorecard.json"
    draft = ReviewDraft(hostile_scorecard, "ana", card_path, tmp_path / "drafts")
    written = draft.keep("organisation", "level", 3)
    assert written is not None
    assert written.parent == tmp_path / "drafts"
    again = ReviewDraft(hostile_scorecard, "ana", card_path, tmp_path / "drafts")
    assert again.load() == (1, 0)
    assert ReviewDraft(hostile_scorecard, "ana", card_path).keep("organisation", "level", 3) is None
