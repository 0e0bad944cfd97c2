"""Blind redaction: free text loses the candidate, the scorecard's structure stays whole."""

from __future__ import annotations

from typing import Any

import pytest

from graders.identity import identity_tokens
from reports.blind import PLACEHOLDER, redact
from reports.scorecard import HumanRow, Scorecard

NAME = "Kind Human"
FORMS = ["kind human", "kindhuman", "kind_human", "kind-human", "kind.human", "humankind"]
STRUCTURAL = ["Passed", "Level", "Status", "Kind", "Human", "Auto", "Partial", "Score", "Id"]


def _planted(card: Scorecard) -> Scorecard:
    """The hostile card with the name spelled the ways code and commits spell it."""
    data = card.model_dump(mode="json")
    data["reason"] = f"{data['reason']}; raised by KindHumanStore and kind_human_cache"
    data["tests"]["output_excerpt"] = "kindhumancache=1 Kind Human was here KINDHUMAN2"
    for commit in data["measurements"]["history"]["commits"]:
        commit["author_name"] = NAME
        commit["author_email"] = "kind.human@humane.example"
        commit["subject"] = "Merge pull request #3 from kind-human/feature"
    data["measurements"]["complexity"]["hotspots"][0]["name"] = "KindHumanStore.get"
    data["measurements"]["lint"]["hotspots"].append(
        {"path": "kind_human/util.py", "line": 1, "code": "F841",
         "message": "Local variable `humanKind` is assigned to but never used"}
    )  # fmt: skip
    return Scorecard.model_validate(data)


def _tokens(*extra: str) -> list[str]:
    return identity_tokens("https://github.com/kind-human/kv", [(NAME, "kh@humane.example")],
                           None, extra)  # fmt: skip


def _shape(value: Any) -> Any:
    """Keys, and the values that are not free text, of a dumped scorecard."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__ if isinstance(value, str) else value


def test_names_equal_to_keys_and_enum_values_leave_the_structure_alone(hostile_scorecard):
    card = _planted(hostile_scorecard)
    blind = redact(card, _tokens(*STRUCTURAL))
    before, after = card.model_dump(mode="json"), blind.model_dump(mode="json")
    assert _shape({**after, "blind": False}) == _shape(before)  # the same keys everywhere
    assert (blind.outcome, blind.status) == (card.outcome, card.status)
    assert [r.kind for r in blind.criteria] == [r.kind for r in card.criteria]
    assert [(r.id, r.title, r.source if r.kind == "auto" else "") for r in blind.criteria] == [
        (r.id, r.title, r.source if r.kind == "auto" else "") for r in card.criteria
    ]
    assert [(c.node_id, c.status) for c in blind.tests.results] == [
        (c.node_id, c.status) for c in card.tests.results
    ]
    assert blind.measurements.history is not None
    assert blind.measurements.history.time_source == "commit dates"
    assert Scorecard.model_validate_json(blind.model_dump_json()) == blind


def test_every_spelling_of_the_name_leaves_the_free_text(hostile_scorecard):
    blind = redact(_planted(hostile_scorecard), _tokens())
    text = blind.model_dump_json().lower()
    assert [form for form in FORMS if form in text] == []
    assert "kind.human@humane.example" not in text
    assert "humane" not in text
    assert PLACEHOLDER in blind.tests.output_excerpt
    hotspot = blind.measurements.complexity.hotspots[0]  # type: ignore[union-attr]
    assert hotspot.name == f"{PLACEHOLDER}Store.get"


def test_human_rows_keep_their_rubric_text_when_the_name_is_a_rubric_word(hostile_scorecard):
    tokens = _tokens("Level", "How")
    blind = redact(hostile_scorecard, tokens)
    rows = [r for r in blind.criteria if isinstance(r, HumanRow)]
    originals = [r for r in hostile_scorecard.criteria if isinstance(r, HumanRow)]
    assert rows == originals


def test_source_ref_and_id_say_nothing(hostile_scorecard):
    card = hostile_scorecard.model_copy(
        update={"submission": hostile_scorecard.submission.model_copy(update={"ref": "kh/x"})}
    )
    blind = redact(card, [])
    assert blind.blind
    assert (blind.submission.source, blind.submission.ref) == (PLACEHOLDER, PLACEHOLDER)
    assert blind.submission.id.startswith("candidate-")
    assert blind.submission.commit == card.submission.commit


@pytest.mark.parametrize("runs", [2, 20])
def test_blind_ids_are_unique_even_for_the_same_source(hostile_scorecard, runs):
    ids = {redact(hostile_scorecard, []).submission.id for _ in range(runs)}
    assert len(ids) == runs
