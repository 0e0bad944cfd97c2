"""Loading challenges: the bundled kv-store, and broken copies that must fail with clear errors.

Every broken challenge is a copy of the bundled one with exactly one thing changed, so each
test shows that that one change is caught and that the message names the file and the field.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from challenges.base_error import TakehomeError
from challenges.errors import ChallengeError
from challenges.load import CATALOG, Challenge, load_challenge, resolve_challenge_dir
from graders.registry import available

Edit = Callable[[Path, str, str], None]

GROUP_SIZES = {"core": 11, "ttl": 13, "transactions": 12, "edge": 8, "concurrency": 5}
TRIPWIRE = "test_tripwire.py::test_tripwire"


def _error(root: Path, sources: object = None) -> str:
    with pytest.raises(ChallengeError) as caught:  # noqa: PT011 - the callers assert the message
        load_challenge(root, available() if sources is None else sources)  # type: ignore[arg-type]
    return str(caught.value)


# ------------------------------------------------------------------ the bundled challenge


def test_bundled_challenge_loads_with_its_groups(kv_store: Challenge) -> None:
    assert kv_store.config.id == "kv-store"
    assert kv_store.root == CATALOG / "kv-store"
    assert {name: len(cases) for name, cases in kv_store.groups.items()} == GROUP_SIZES
    assert list(kv_store.groups) == ["core", "ttl", "transactions", "edge", "concurrency"]
    assert kv_store.markers == ["concurrency", "core", "edge", "transactions", "ttl"]


def test_bundled_limits_are_parsed(kv_store: Challenge) -> None:
    limits = kv_store.config.limits
    assert (limits.wall_seconds, limits.test_seconds) == (30.0, 2.0)
    assert limits.memory_bytes == 256 * 1024**2
    assert kv_store.config.time_window == "4h"


def test_bundled_groups_follow_the_markers(kv_store: Challenge) -> None:
    for group, cases in kv_store.groups.items():
        assert cases, group
        for case in cases:
            assert group in case.markers
    core = {case.node_id for case in kv_store.groups["core"]}
    assert "test_core.py::test_set_then_get_returns_value" in core
    assert all(node_id.startswith("test_core.py::") for node_id in core)


def test_every_scored_test_is_in_exactly_one_group_and_the_tripwire_in_none(
    kv_store: Challenge,
) -> None:
    grouped = [case.node_id for cases in kv_store.groups.values() for case in cases]
    assert len(grouped) == len(set(grouped))
    all_ids = {case.node_id for case in kv_store.tests}
    assert kv_store.tripwire == TRIPWIRE
    assert TRIPWIRE in all_ids
    assert TRIPWIRE not in grouped
    assert set(grouped) == all_ids - {TRIPWIRE}
    assert len(kv_store.tests) == sum(GROUP_SIZES.values()) + 1


def test_suite_hash_is_stable_and_independent_of_location(
    kv_store: Challenge, kv_copy: Path
) -> None:
    again = load_challenge("kv-store", available())
    assert again.suite_hash == kv_store.suite_hash
    assert len(kv_store.suite_hash) == 64
    copied = load_challenge(kv_copy, available())
    assert copied.suite_hash == kv_store.suite_hash
    # caches that pytest or Python leave behind do not change it
    (kv_copy / "tests" / "__pycache__").mkdir()
    (kv_copy / "tests" / "__pycache__" / "test_core.cpython-311.pyc").write_bytes(b"\0junk")
    assert load_challenge(kv_copy, available()).suite_hash == kv_store.suite_hash


def test_suite_hash_changes_with_the_hidden_suite(kv_store: Challenge, kv_copy: Path) -> None:
    core = kv_copy / "tests" / "test_core.py"
    core.write_text(core.read_text() + "\n# changed\n")
    assert load_challenge(kv_copy, available()).suite_hash != kv_store.suite_hash


def test_suite_hash_ignores_files_outside_the_suite(kv_store: Challenge, kv_copy: Path) -> None:
    (kv_copy / "spec.md").write_text("a different spec\n")
    assert load_challenge(kv_copy, available()).suite_hash == kv_store.suite_hash


def test_challenge_loads_from_a_directory_path(kv_copy: Path) -> None:
    loaded = load_challenge(str(kv_copy), available())
    assert loaded.root == kv_copy.resolve()
    assert loaded.suite_dir == kv_copy.resolve() / "tests"
    assert {name: len(cases) for name, cases in loaded.groups.items()} == GROUP_SIZES


# ------------------------------------------------------------------ resolving a challenge


def test_unknown_slug_lists_the_bundled_challenges() -> None:
    with pytest.raises(ChallengeError, match="no such challenge directory") as caught:
        resolve_challenge_dir("no-such-challenge")
    message = str(caught.value)
    assert message.startswith("no-such-challenge: no such challenge directory")
    assert "bundled: kv-store" in message
    assert isinstance(caught.value, TakehomeError)


def test_missing_directory_path_is_not_looked_up_in_the_catalog(tmp_path: Path) -> None:
    with pytest.raises(ChallengeError, match="bundled: kv-store"):
        resolve_challenge_dir(str(tmp_path / "kv-store"))


def test_slug_resolves_to_the_catalog() -> None:
    assert resolve_challenge_dir("kv-store") == CATALOG / "kv-store"


# ------------------------------------------------------------------ broken challenge.toml


def test_bad_toml_syntax_names_the_file_and_line(kv_copy: Path) -> None:
    path = kv_copy / "challenge.toml"
    path.write_text(path.read_text() + "\n[limits\nmemory = 1\n")
    message = _error(kv_copy)
    assert str(path.resolve()) in message
    assert "invalid TOML" in message
    lines = path.read_text().count("\n")
    assert f"line {lines - 1}" in message


def test_bad_toml_in_the_rubric_names_the_rubric(kv_copy: Path) -> None:
    path = kv_copy / "rubric.toml"
    path.write_text('points = "unterminated\n' + path.read_text())
    message = _error(kv_copy)
    assert message.startswith(f"{path.resolve()}: invalid TOML")
    assert "line 1" in message


def test_unknown_key_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(kv_copy / "challenge.toml", "pids = 64\n", "pids = 64\ncolour = 'red'\n")
    message = _error(kv_copy)
    assert message.startswith(f"{(kv_copy / 'challenge.toml').resolve()}: ")
    assert "limits.colour: Extra inputs are not permitted" in message


def test_duration_in_words_says_what_to_write(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(kv_copy / "challenge.toml", 'wall_timeout = "30s"', 'wall_timeout = "4 hours"')
    message = _error(kv_copy)
    assert str((kv_copy / "challenge.toml").resolve()) in message
    assert "limits.wall_timeout: '4 hours' is not a duration" in message
    assert '"4h"' in message
    assert "Value error" not in message


def test_size_with_a_unit_word_says_what_to_write(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(kv_copy / "challenge.toml", 'memory = "256m"', 'memory = "256 MB"')
    message = _error(kv_copy)
    assert "limits.memory: '256 MB' is not a size" in message
    assert '"256m"' in message


def test_missing_challenge_toml_is_named(kv_copy: Path) -> None:
    (kv_copy / "challenge.toml").unlink()
    assert _error(kv_copy) == f"{(kv_copy / 'challenge.toml').resolve()}: file not found"


def test_many_problems_are_summarised_on_one_line(kv_copy: Path, replace_in: Edit) -> None:
    path = kv_copy / "challenge.toml"
    for key in ("a", "b", "c", "d", "e"):
        replace_in(path, "pids = 64\n", f"pids = 64\n{key} = 1\n")
    message = _error(kv_copy)
    assert "\n" not in message
    assert message.startswith("5 problems: ")
    for key in ("a", "b", "c", "d", "e"):  # every problem listed, not the first three
        assert f"challenge.toml: limits.{key}: Extra inputs are not permitted" in message


# ------------------------------------------------------------------ broken rubric.toml


def test_unknown_grader_name_coverage(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(
        rubric, 'title = "Thread safety"\nsource = "tests"', 'title = "T"\nsource = "coverage"'
    )
    message = _error(kv_copy)
    assert message.startswith(f"{rubric.resolve()}: ")
    assert "criteria.concurrency.source" in message
    assert "'tests'" in message  # says what is allowed


def test_source_that_is_not_installed_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(
        rubric,
        'title = "Thread safety"\nsource = "tests"\npoints = 10\n'
        'select = { marker = "concurrency" }\nweights = { test_concurrent_incr_is_atomic = 2 }',
        'title = "T"\nsource = "lint"\npoints = 10\nmetric = "per_kloc"\n'
        "thresholds = [{ level = 4, max = 5 }]",
    )
    with pytest.raises(ChallengeError, match="problem") as caught:
        load_challenge(kv_copy, {"tests"})
    problems = caught.value.problems
    assert problems[0] == (
        f"{rubric.resolve()}: criteria.concurrency: grader 'lint' is not available "
        "(available: tests)"
    )
    # every row naming a missing grader is listed, each with its own field
    assert f"{rubric.resolve()}: criteria.lint: grader 'lint' is not available" in str(caught.value)
    assert sum("is not available (available: tests)" in problem for problem in problems) == 7


def test_evidence_that_is_not_installed_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(
        rubric,
        'points = 5\nevidence = ["tests", "lint", "complexity"]',
        'points = 5\nevidence = ["tests", "lint", "complexity", "similarity"]',
    )
    message = _error(kv_copy, {"tests", "lint", "complexity", "history"})
    assert "criteria.organisation: grader 'similarity' is not available" in message


def test_selector_matching_no_test_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(rubric, 'select = { marker = "ttl" }', 'select = { marker = "ttls" }')
    message = _error(kv_copy)
    assert message == (
        f"{rubric.resolve()}: criteria.ttl.select: marker 'ttls' matches no test "
        "in the hidden suite"
    )


def test_tests_row_without_selector_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(rubric, 'select = { marker = "ttl" }\n', "")
    assert "criteria.ttl.select: a tests row needs a marker or keyword" in _error(kv_copy)


def test_selector_with_marker_and_keyword_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(
        kv_copy / "rubric.toml",
        'select = { marker = "ttl" }',
        'select = { marker = "ttl", keyword = "ttl" }',
    )
    message = _error(kv_copy)
    assert "criteria.ttl.select" in message
    assert "give exactly one of marker or keyword" in message


def test_weight_for_a_test_outside_the_group_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(
        rubric,
        "weights = { test_set_then_get_returns_value = 2 }",
        "weights = { test_commit_keeps_changes = 2 }",
    )
    message = _error(kv_copy)
    assert message == (
        f"{rubric.resolve()}: criteria.core.weights: 'test_commit_keeps_changes' is not a test "
        "selected by marker 'core'"
    )


def test_non_positive_weight_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(
        kv_copy / "rubric.toml",
        "weights = { test_set_then_get_returns_value = 2 }",
        "weights = { test_set_then_get_returns_value = 0 }",
    )
    assert "weight of 'test_set_then_get_returns_value' must be positive" in _error(kv_copy)


def test_points_not_adding_up_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(rubric, 'source = "tests"\npoints = 25', 'source = "tests"\npoints = 30')
    message = _error(kv_copy)
    assert message.startswith(f"{rubric.resolve()}: ")
    assert "criteria points add up to 105, not total_points = 100" in message


def test_duplicate_criterion_id_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(kv_copy / "rubric.toml", 'id = "edge"', 'id = "ttl"')
    assert "criterion id 'ttl' is used twice" in _error(kv_copy)


def _drop_level_four_of_organisation(rubric: Path) -> None:
    text = rubric.read_text()
    start = text.index('[[criteria.levels]]\nlevel = 4\nanchor = "As level 3, and the concerns')
    end = text.index("\n", text.index("anchor", start)) + 1
    rubric.write_text(text[:start] + text[end:])


def test_human_row_with_three_levels_is_an_error(kv_copy: Path) -> None:
    rubric = kv_copy / "rubric.toml"
    _drop_level_four_of_organisation(rubric)
    message = _error(kv_copy)
    assert message.startswith(f"{rubric.resolve()}: criteria.organisation: ")
    assert "levels must be exactly 1, 2, 3 and 4, each once" in message


def test_human_row_with_levels_and_items_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    rubric = kv_copy / "rubric.toml"
    replace_in(
        rubric,
        'question = "How well-organised is the code?"\npoints = 5\n'
        'evidence = ["tests", "lint", "complexity"]\n',
        'question = "How well-organised is the code?"\npoints = 5\n'
        'evidence = ["tests", "lint", "complexity"]\n'
        '[[criteria.items]]\nid = "small_functions"\ntext = "Functions are short"\npoints = 5\n',
    )
    message = _error(kv_copy)
    assert message.startswith(f"{rubric.resolve()}: criteria.organisation: ")
    assert "give either four levels or checklist items, not both or neither" in message


def test_checklist_points_must_match_the_row(kv_copy: Path) -> None:
    rubric = kv_copy / "rubric.toml"
    rubric.write_text(
        rubric.read_text() + '\n[[criteria]]\nid = "readme"\nkind = "human"\ntitle = "README"\n'
        'question = "Does the README explain?"\npoints = 3\n'
        '[[criteria.items]]\nid = "why"\ntext = "explains why"\npoints = 1\n'
    )
    message = _error(kv_copy)
    assert "checklist item points add up to 1, not the row's 3" in message


# ------------------------------------------------------------------ the hidden suite


def test_missing_tripwire_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    toml = kv_copy / "challenge.toml"
    replace_in(toml, 'tripwire = "test_tripwire.py::test_tripwire"', 'tripwire = "test_x.py::t"')
    message = _error(kv_copy)
    assert message.startswith(f"{toml.resolve()}: tests.tripwire: 'test_x.py::t' is not a test")
    assert "must fail" in message


def test_missing_tests_directory_is_an_error(kv_copy: Path) -> None:
    shutil.rmtree(kv_copy / "tests")
    message = _error(kv_copy)
    toml = (kv_copy / "challenge.toml").resolve()
    assert message == f"{toml}: tests.dir: {kv_copy.resolve() / 'tests'} is not a directory"


def test_suite_without_tests_is_an_error(kv_copy: Path) -> None:
    for path in (kv_copy / "tests").glob("test_*.py"):
        path.unlink()
    assert _error(kv_copy) == f"{kv_copy.resolve() / 'tests'}: the hidden suite has no tests"


def test_hidden_test_in_no_tests_row_is_an_error(kv_copy: Path) -> None:
    (kv_copy / "tests" / "test_extra.py").write_text("def test_unmarked():\n    pass\n")
    message = _error(kv_copy)
    assert message == (
        f"{(kv_copy / 'rubric.toml').resolve()}: 1 hidden test(s) belong to no tests row and "
        "are not declared unscored, e.g. test_extra.py::test_unmarked"
    )


def test_test_selected_by_two_rows_is_an_error(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(
        kv_copy / "rubric.toml",
        'select = { marker = "edge" }',
        'select = { keyword = "test_core.py::test_get_missing" }',
    )
    message = _error(kv_copy)
    assert message == (
        f"{(kv_copy / 'rubric.toml').resolve()}: criteria.edge.select: "
        "test_core.py::test_get_missing_returns_default is already scored by criteria.core"
    )


def test_keyword_selector_selects_by_node_id(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(
        kv_copy / "rubric.toml",
        'select = { marker = "edge" }',
        'select = { keyword = "edge_cases" }',
    )
    loaded = load_challenge(kv_copy, available())
    assert len(loaded.groups["edge"]) == GROUP_SIZES["edge"]


def test_test_file_with_syntax_error_is_an_error(kv_copy: Path) -> None:
    broken = kv_copy / "tests" / "test_broken.py"
    broken.write_text("import pytest\n\ndef test_x(:\n    pass\n")
    message = _error(kv_copy)
    assert message.startswith(f"{broken.resolve()}: the hidden test file does not parse")
    assert "line 3" in message


def test_tripwire_is_never_scored(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(
        kv_copy / "rubric.toml", 'select = { marker = "edge" }', 'select = { keyword = "tripwire" }'
    )
    message = _error(kv_copy)
    assert "criteria.edge.select: keyword 'tripwire' matches no test" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('python_path = [".", "src"]', 'python_path = ["../outside"]', "tests.python_path: "),
        ('python_path = [".", "src"]', 'python_path = ["/etc"]', "must be a path inside"),
        ('id = "kv-store"', 'id = "KV Store"', "id: String should match pattern"),
        ('feedback = "summary"', 'feedback = "everything"', "feedback: Input should be"),
        ("schema_version = 1", "schema_version = 2", "schema_version: Input should be 1"),
        ("pids = 64", "pids = 4", "limits.pids: Input should be greater than or equal to 16"),
    ],
)
def test_challenge_toml_field_errors(
    kv_copy: Path, replace_in: Edit, old: str, new: str, expected: str
) -> None:
    toml = kv_copy / "challenge.toml"
    replace_in(toml, old, new)
    message = _error(kv_copy)
    assert message.startswith(f"{toml.resolve()}: ")
    assert expected in message


def _declare_unscored(kv_copy: Path, selector: str) -> None:
    rubric = kv_copy / "rubric.toml"
    text = rubric.read_text()
    rubric.write_text(
        text.replace("total_points = 100\n", f"total_points = 100\nunscored = [{selector}]\n", 1)
    )


def test_tests_declared_unscored_need_no_row(kv_copy: Path) -> None:
    (kv_copy / "tests" / "test_extra.py").write_text(
        "import pytest\n\n\n@pytest.mark.extra\ndef test_bonus():\n    pass\n"
    )
    _declare_unscored(kv_copy, '{ marker = "extra" }')
    challenge = load_challenge(kv_copy, available())
    assert challenge.unscored == {"test_extra.py::test_bonus"}
    assert [t.node_id for t in challenge.groups["(not scored)"]] == ["test_extra.py::test_bonus"]


def test_an_unscored_selector_that_matches_nothing_is_named(kv_copy: Path) -> None:
    _declare_unscored(kv_copy, '{ keyword = "no_such_test" }')
    assert _error(kv_copy) == (
        f"{(kv_copy / 'rubric.toml').resolve()}: unscored[0]: keyword 'no_such_test' matches no "
        "test in the hidden suite"
    )


def test_an_unscored_selector_that_empties_a_row_is_named(kv_copy: Path) -> None:
    _declare_unscored(kv_copy, '{ marker = "ttl" }')
    assert _error(kv_copy) == (
        f"{(kv_copy / 'rubric.toml').resolve()}: criteria.ttl: every test it selects is "
        "declared unscored, so the row could never earn its points"
    )
