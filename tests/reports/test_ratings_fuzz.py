"""Property: whatever a ratings file holds (random structures in YAML or JSON, random bytes,
YAML punctuation, deep nesting, huge numbers), reading it and checking it against a scorecard
either works or raises one ReviewError naming the file; nothing else ever escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from challenges.load import Challenge
from reports.review import ReviewError, build_review, load_ratings
from reports.scorecard import Scorecard
from tests.reports.conftest import hostile_card

ROWS = ["organisation", "documentation", "design_reasoning", "testing_habits"]
BUDGET = settings(max_examples=150, deadline=None)
PUNCTUATION = st.sampled_from(list("{}[]:,-&*!|>'\"#%@`? \n\t0123456789abe.+_x"))
NAMES = st.sampled_from(["r.yaml", "r.yml", "r.json", "r.txt", "ratings"])

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.integers(min_value=-4, max_value=8) | st.sampled_from(["a", "b", "-", ""])
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
rating = st.dictionaries(
    st.sampled_from(["level", "items", "justification"]) | st.text(max_size=6), values, max_size=4
)
documents = (
    st.fixed_dictionaries(
        {
            "ratings": st.dictionaries(
                st.sampled_from(ROWS) | st.text(max_size=10), rating, max_size=5
            )
        },
        optional={"reviewer": values, "extra": values},
    )
    | values
)


@pytest.fixture(scope="module")
def card(kv_store: Challenge) -> Scorecard:
    return hostile_card(kv_store)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ratings-fuzz")


def _check(path: Path, card: Scorecard) -> None:
    """The property: a ratings file is accepted, or refused by one ReviewError naming it."""
    try:
        ratings = load_ratings(path)
        build_review(card, "ana", ratings.ratings, str(path))
    except ReviewError as error:
        refused = str(error)
    else:
        return
    assert str(path) in refused


@BUDGET
@given(document=documents, as_yaml=st.booleans(), name=NAMES)
def test_random_structures_in_yaml_or_json(folder, card, document, as_yaml, name):
    path = folder / name
    text = yaml.safe_dump(document, allow_unicode=True) if as_yaml else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    _check(path, card)


@BUDGET
@given(data=st.binary(max_size=600), name=NAMES)
def test_random_bytes(folder, card, data, name):
    path = folder / name
    path.write_bytes(data)
    _check(path, card)


@BUDGET
@given(
    text=st.text(alphabet=PUNCTUATION | st.characters(exclude_categories=["Cs"]), max_size=300),
    name=NAMES,
)
def test_random_yaml_punctuation(folder, card, text, name):
    path = folder / name
    path.write_text("ratings:\n  organisation: " + text, encoding="utf-8")
    _check(path, card)
    path.write_text(text, encoding="utf-8")
    _check(path, card)


@settings(max_examples=15, deadline=None)  # each deep example costs ~0.6 s (pure-Python YAML)
@given(
    depth=st.integers(min_value=1, max_value=3000),
    opener=st.sampled_from(["[", "{a: ", '{"a": ', "- "]),
    name=NAMES,
)
@example(depth=3000, opener="[", name="r.yaml")
@example(depth=3000, opener='{"a": ', name="r.json")
def test_deep_nesting(folder, card, depth, opener, name):
    closer = {"[": "]", "{a: ": "}", '{"a": ': "}", "- ": ""}[opener]
    path = folder / name
    if opener == "- ":
        body = "".join("  " * level + "-\n" for level in range(min(depth, 200)))
    else:
        body = opener * depth + "1" + closer * depth
    path.write_text(f"ratings:\n  organisation:\n    level: {body}\n", encoding="utf-8")
    _check(path, card)
    path.write_text(body, encoding="utf-8")
    _check(path, card)


@settings(max_examples=40, deadline=None)
@given(
    digits=st.integers(min_value=90, max_value=20000),
    form=st.sampled_from(["{}", "-{}", "0x{}", "0b{}", "0o{}", "{}.5", "1e{}", "0{}"]),
    field=st.sampled_from(["level", "justification", "items", "other"]),
    name=NAMES,
)
def test_huge_numbers_anywhere(folder, card, digits, form, field, name):
    number = form.format("1" * digits)
    path = folder / name
    path.write_text(f'{{"ratings": {{"organisation": {{"{field}": {number}}}}}, '
                    f'"reviewer": {number}}}', encoding="utf-8")  # fmt: skip
    _check(path, card)
