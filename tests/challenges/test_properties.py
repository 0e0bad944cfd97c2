"""Property-based tests of the promise of issue 11: whatever an author or a hiring team puts in
challenge.toml, rubric.toml, expected.toml or a roster, loading it either succeeds or raises a
TakehomeError whose message names the file (and the field, where there is one). Never another
exception, which the CLI would turn into exit 3 and a traceback log.

Generated inputs: random bytes, random TOML/YAML/CSV documents (huge and non-finite numbers,
odd unicode, deep nesting), and the bundled kv-store's files with one value replaced by a
random one, which reach the field validators. Budgets keep the file well under a minute.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from challenges.base_error import TakehomeError
from challenges.errors import ChallengeError
from challenges.load import CATALOG, load_challenge, load_toml_model
from challenges.model import ChallengeConfig
from challenges.roster import COLUMNS, RosterError, load_roster
from challenges.rubric import Rubric
from challenges.samples import SampleExpectation
from graders.registry import available

KV = CATALOG / "kv-store"
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SLOW = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MODELS = {"challenge.toml": ChallengeConfig, "rubric.toml": Rubric, "expected.toml": None}


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One directory for the whole module: hypothesis reruns a test many times per fixture."""
    root = Path(tempfile.mkdtemp(prefix="takehome-properties-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def names_the_file(message: str, path: Path) -> bool:
    """``file: ...``, or ``N problems: file: ...; ...`` (ChallengeError's ``problems`` hold
    each problem on its own, and are checked one by one where they are available)."""
    return re.sub(r"^\d+ problems: ", "", message).startswith(f"{path}: ")


# ------------------------------------------------------------------ generated values

odd_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(["", "*", "..", "../x", "/etc", "\u202e", "\ufeff", "a" * 5000, "🙂", "4h"])
numbers = (
    st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, -1, 1e-300, 1e300, 10**19, 2**63])
)
scalars = (
    odd_text
    | numbers
    | st.booleans()
    | st.dates(min_value=date(1, 1, 1))
    | st.datetimes(min_value=datetime(1, 1, 1))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=8,
)


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest raw
    (JSON's escapes of astral characters as surrogate pairs are not TOML)."""
    escaped = "".join(
        f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in text.replace("\\", "\\\\").replace('"', '\\"')
    )
    return f'"{escaped}"'


def toml_value(value: Any) -> str:
    """A small TOML writer for generated values (inline tables and arrays only)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{toml_string(key)} = {toml_value(value)}\n" for key, value in data.items())


def _nested(depth: int, kind: str) -> str:
    opening, closing = {"array": ("[", "]"), "table": ("{a = ", "}")}[kind]
    return "x = " + opening * depth + "1" + closing * depth + "\n"


def _set_path(data: Any, path: list[str | int], value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _leaf_paths(data: Any, prefix: list[str | int]) -> Iterator[list[str | int]]:
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        yield [*prefix, key]
        if isinstance(value, dict | list) and value:
            yield from _leaf_paths(value, [*prefix, key])


def _load(path: Path) -> object:
    model = MODELS[path.name] or SampleExpectation
    return load_toml_model(path, model)


def refusal(call: Callable[[], object]) -> TakehomeError | None:
    """The TakehomeError ``call`` raises, or None when it succeeds; anything else propagates
    and fails the test (and hypothesis shrinks the input that caused it)."""
    try:
        call()
    except TakehomeError as error:
        return error
    return None


def _expect_clean(path: Path) -> None:
    error = refusal(lambda: _load(path))
    assert error is None or isinstance(error, ChallengeError), error
    assert error is None or names_the_file(str(error), path), str(error)


# ------------------------------------------------------------------ TOML files


@pytest.mark.parametrize("name", list(MODELS))
@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes_as_a_toml_file(scratch: Path, name: str, data: bytes) -> None:
    path = scratch / name
    path.write_bytes(data)
    _expect_clean(path)


@pytest.mark.parametrize("name", list(MODELS))
@FAST
@given(document=st.dictionaries(odd_text, values, max_size=6))
def test_random_toml_documents(scratch: Path, name: str, document: dict[str, Any]) -> None:
    path = scratch / name
    text = toml_document(document)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        assume(False)  # the little writer made something that is not TOML; skip it
    path.write_text(text, encoding="utf-8")
    _expect_clean(path)


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=20, deadline=None)
@given(depth=st.integers(min_value=1, max_value=3000), kind=st.sampled_from(["array", "table"]))
def test_deeply_nested_toml(scratch: Path, name: str, depth: int, kind: str) -> None:
    path = scratch / name
    path.write_text(_nested(depth, kind), encoding="utf-8")
    _expect_clean(path)


@pytest.mark.parametrize("name", ["challenge.toml", "rubric.toml", "expected.toml"])
@FAST
@given(data=st.data())
def test_one_value_of_a_real_file_replaced(scratch: Path, name: str, data: st.DataObject) -> None:
    """The bundled files with one value (at any depth) replaced: every field validator runs,
    and any error names the file and the field."""
    source = KV / "samples" / "buggy" / name if name == "expected.toml" else KV / name
    document = tomllib.loads(source.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(_leaf_paths(document, []))))
    _set_path(document, where, data.draw(values))
    path = scratch / name
    path.write_text(toml_document(document), encoding="utf-8")
    error = refusal(lambda: _load(path))
    assert error is None or isinstance(error, ChallengeError), error
    for problem in error.problems if error else ():
        assert problem.startswith(f"{path}: "), problem
        assert problem.count(": ") >= 2, problem  # file: field: what


@SLOW
@given(data=st.data())
def test_a_whole_challenge_with_one_value_replaced(scratch: Path, data: st.DataObject) -> None:
    """load_challenge, cross-checks included: only ChallengeError, never a crash."""
    root = scratch / "kv"
    if not root.exists():
        shutil.copytree(KV, root, ignore=shutil.ignore_patterns("__pycache__"))
    name = data.draw(st.sampled_from(["challenge.toml", "rubric.toml"]))
    document = tomllib.loads((KV / name).read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(_leaf_paths(document, []))))
    _set_path(document, where, data.draw(values))
    (root / name).write_text(toml_document(document), encoding="utf-8")
    try:
        error = refusal(lambda: load_challenge(root, available()))
    finally:
        shutil.copy(KV / name, root / name)
    assert error is None or isinstance(error, ChallengeError), error
    for problem in error.problems if error else ():
        assert problem.startswith(f"{root.resolve()}/"), problem


# ------------------------------------------------------------------ rosters


def _expect_roster(path: Path) -> None:
    error = refusal(lambda: load_roster(path))
    assert error is None or isinstance(error, RosterError), error
    assert error is None or names_the_file(str(error), path), str(error)


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes_as_a_roster(scratch: Path, suffix: str, data: bytes) -> None:
    path = scratch / f"cohort{suffix}"
    path.write_bytes(data)
    _expect_roster(path)


entry_values = values | st.sampled_from(
    ["2026-11-20", "2026-02-30", "9999-12-31T23:59:59-14:00", "0001-01-01", "ana", "x" * 200]
)


@FAST
@given(
    entries=st.lists(
        st.dictionaries(st.sampled_from([*COLUMNS, "score"]) | odd_text, entry_values, max_size=6),
        max_size=4,
    )
    | values
)
def test_random_yaml_rosters(scratch: Path, entries: Any) -> None:
    path = scratch / "cohort.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    _expect_roster(path)


@settings(max_examples=8, deadline=None)
@given(depth=st.integers(min_value=1, max_value=3000), kind=st.sampled_from(["[", "{a: "]))
def test_deeply_nested_yaml_roster(scratch: Path, depth: int, kind: str) -> None:
    path = scratch / "cohort.yaml"
    path.write_text(kind * depth + "1" + ("]" if kind == "[" else "}") * depth, encoding="utf-8")
    _expect_roster(path)


csv_field = st.text(max_size=12) | st.sampled_from(
    ["", "2026-11-20", "2026-13-45", "9999-12-31T23:59:59-14:00", "a,b", '"', "x" * 140_000]
)


@FAST
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "name"]) | st.text(max_size=8), max_size=6),
    rows=st.lists(st.lists(csv_field, max_size=7), max_size=4),
    bom=st.booleans(),
)
def test_random_csv_rosters(scratch: Path, header: list[str], rows: list[list[str]], bom: bool):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = scratch / "cohort.csv"
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    _expect_roster(path)
