"""Sample solutions and their expected results: what a challenge is re-graded against."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from challenges.errors import ChallengeError
from challenges.load import Challenge, load_challenge
from challenges.samples import samples
from graders.registry import available


def _expected(outcome: str, low: float, high: float, description: str = "a sample") -> str:
    return (
        f'schema_version = 1\ndescription = "{description}"\noutcome = "{outcome}"\n'
        f"tests_score = [{low}, {high}]\n"
    )


def _with_samples(root: Path, expected: dict[str, str | None]) -> Challenge:
    """The challenge at ``root`` with exactly these samples (None: no expected.toml)."""
    shutil.rmtree(root / "samples", ignore_errors=True)
    for name, text in expected.items():
        (root / "samples" / name).mkdir(parents=True)
        (root / "samples" / name / "kvstore.py").write_text("class KVStore: ...\n")
        if text is not None:
            (root / "samples" / name / "expected.toml").write_text(text)
    return load_challenge(root, available())


def test_solution_starter_and_each_sample_with_expectations(kv_copy: Path) -> None:
    challenge = _with_samples(
        kv_copy,
        {
            "weak": _expected("test_failures", 10, 40, "happy path only"),
            "ai_written": _expected("passed", 90, 100),
        },
    )
    found = samples(challenge)
    assert [sample.name for sample in found] == ["solution", "starter", "ai_written", "weak"]
    by_name = {sample.name: sample for sample in found}
    assert by_name["solution"].path == challenge.root / "solution"
    assert by_name["solution"].expected.outcome == "passed"
    assert by_name["solution"].expected.tests_score == (100.0, 100.0)
    assert by_name["starter"].path == challenge.root / "starter"
    assert by_name["starter"].expected.outcome == "test_failures"
    assert by_name["starter"].expected.tests_score == (0.0, 0.0)
    weak = by_name["weak"]
    assert weak.path == challenge.root / "samples" / "weak"
    assert weak.expected.description == "happy path only"
    assert weak.expected.outcome == "test_failures"
    assert weak.expected.tests_score == (10.0, 40.0)


def test_challenge_without_samples_has_solution_and_starter(kv_copy: Path) -> None:
    shutil.rmtree(kv_copy / "samples")
    challenge = load_challenge(kv_copy, available())
    assert [sample.name for sample in samples(challenge)] == ["solution", "starter"]


def test_missing_solution_or_starter_is_left_out(kv_copy: Path) -> None:
    shutil.rmtree(kv_copy / "starter")
    challenge = _with_samples(kv_copy, {})
    assert [sample.name for sample in samples(challenge)] == ["solution"]


def test_files_next_to_the_samples_are_not_samples(kv_copy: Path) -> None:
    challenge = _with_samples(kv_copy, {"weak": _expected("test_failures", 0, 50)})
    (kv_copy / "samples" / "README.md").write_text("notes\n")
    assert [sample.name for sample in samples(challenge)] == ["solution", "starter", "weak"]


def test_reversed_range_names_the_file(kv_copy: Path) -> None:
    challenge = _with_samples(kv_copy, {"weak": _expected("test_failures", 50, 10)})
    with pytest.raises(ChallengeError, match=r"expected\.toml") as caught:
        samples(challenge)
    message = str(caught.value)
    path = challenge.root / "samples" / "weak" / "expected.toml"
    assert message.startswith(f"{path}: ")
    assert "tests_score must be [low, high] with 0 <= low <= high <= 100" in message


def test_range_above_100_is_refused(kv_copy: Path) -> None:
    challenge = _with_samples(kv_copy, {"weak": _expected("passed", 90, 110)})
    with pytest.raises(ChallengeError, match="tests_score must be"):
        samples(challenge)


def test_unknown_outcome_names_the_field(kv_copy: Path) -> None:
    challenge = _with_samples(kv_copy, {"weak": _expected("great", 0, 10)})
    with pytest.raises(
        ChallengeError, match=r"weak/expected\.toml: outcome: Input should be 'passed'"
    ):
        samples(challenge)


def test_sample_without_expected_toml_is_an_error(kv_copy: Path) -> None:
    challenge = _with_samples(kv_copy, {"weak": None})
    with pytest.raises(ChallengeError, match=r"expected\.toml: file not found$") as caught:
        samples(challenge)
    expected = challenge.root / "samples" / "weak" / "expected.toml"
    assert str(caught.value) == f"{expected}: file not found"


def test_bundled_samples_all_declare_their_expectations(kv_store: Challenge) -> None:
    found = samples(kv_store)
    names = [sample.name for sample in found]
    assert names[:2] == ["solution", "starter"]
    bundled = sorted(p.name for p in (kv_store.root / "samples").iterdir() if p.is_dir())
    assert names[2:] == bundled
    for sample in found:
        low, high = sample.expected.tests_score
        assert 0 <= low <= high <= 100, sample.name
