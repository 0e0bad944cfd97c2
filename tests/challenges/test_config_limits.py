"""SECURITY row 35: configuration that would disable a limit, or load and fail later, is
refused when the challenge loads, naming the file and the field.

Regression tests of issue 11: each of these challenges loaded without a word before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from challenges.errors import ChallengeError
from challenges.load import load_challenge
from graders.registry import available

Edit = Callable[[Path, str, str], None]
HOSTS = 'allowed_hosts = ["github.com", "gitlab.com", "bitbucket.org"]'
LINT = 'lint_select = ["F", "E4", "E7", "E9", "W", "B", "SIM", "UP", "C4", "RET", "PIE"]'


def _problems(root: Path) -> tuple[str, ...]:
    with pytest.raises(ChallengeError) as caught:  # noqa: PT011 - the callers assert the message
        load_challenge(root, available())
    assert "\n" not in str(caught.value)
    return caught.value.problems


@pytest.mark.parametrize(
    ("old", "new", "field", "says"),
    [
        ("cpus = 1.0", "cpus = 1e-300", "limits.cpus", "greater than or equal to 0.01"),
        ("cpus = 1.0", "cpus = nan", "limits.cpus", "finite number"),
        ("cpus = 1.0", "cpus = inf", "limits.cpus", "finite number"),
        ('wall_timeout = "30s"', f'wall_timeout = "{"9" * 400}s"', "limits.wall_timeout",
         "longer than the maximum"),
        ('wall_timeout = "30s"', 'wall_timeout = "2d"', "limits.wall_timeout", "at most 24h"),
        ('test_timeout = "2s"', 'test_timeout = "0.0001ms"', "limits.test_timeout",
         "at least 1ms"),
        ('time_window = "4h"', 'time_window = "99999999999d"', "time_window",
         "longer than the maximum of 366d"),
        ('memory = "256m"', 'memory = "99999999999999999999999999999999999g"', "limits.memory",
         "larger than the maximum of 1024g"),
        ('memory = "256m"', 'memory = "4096g"', "limits.memory", "larger than the maximum"),
        ('memory = "256m"', 'memory = "1k"', "limits.memory", "minimum of 6m"),
        (HOSTS, 'allowed_hosts = ["*"]', "allowed_hosts", "is a wildcard"),
        (HOSTS, 'allowed_hosts = ["*.github.com"]', "allowed_hosts", "is a wildcard"),
        (HOSTS, 'allowed_hosts = ["https://github.com/"]', "allowed_hosts", "not a host name"),
        (HOSTS, 'allowed_hosts = ["github.com:22"]', "allowed_hosts", "not a host name"),
        ('dir = "tests"', 'dir = "../tests"', "tests.dir", "inside the challenge directory"),
        ('dir = "tests"', 'dir = "/etc"', "tests.dir", "inside the challenge directory"),
        (LINT, 'lint_select = ["E", "XYZ999"]', "measure.lint_select", "'XYZ999' is not a ruff"),
        (LINT, 'lint_select = ["E", "E9999"]', "measure.lint_select", "'E9999' is not a ruff"),
        (LINT, 'lint_select = ["--fix"]', "measure.lint_select.0", "should match pattern"),
        (LINT, "lint_select = []", "measure.lint_select", "at least 1 item"),
        ("complexity_threshold = 10", "complexity_threshold = 9999999999",
         "measure.complexity_threshold", "less than or equal to 1000"),
        ("setup = []", 'setup = ["true\\nUSER root"]', "image.setup", "one non-empty line"),
        ('python_path = [".", "src"]', 'python_path = [".", "src:/etc"]', "tests.python_path",
         "must not hold ':'"),
    ],
)  # fmt: skip
def test_challenge_toml_settings_that_disable_a_limit(
    kv_copy: Path, replace_in: Edit, old: str, new: str, field: str, says: str
) -> None:
    replace_in(kv_copy / "challenge.toml", old, new)
    problems = _problems(kv_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{kv_copy.resolve() / 'challenge.toml'}: {field}: ")
    assert says in problems[0]


def test_tests_dir_symlinked_out_of_the_challenge(kv_copy: Path, replace_in: Edit) -> None:
    outside = kv_copy.parent / "elsewhere"
    (kv_copy / "tests").rename(outside)
    (kv_copy / "suite").symlink_to(outside)
    replace_in(kv_copy / "challenge.toml", 'dir = "tests"', 'dir = "suite"')
    (problem,) = _problems(kv_copy)
    assert problem.startswith(f"{kv_copy.resolve() / 'challenge.toml'}: tests.dir: 'suite' ")
    assert "leads outside the challenge directory" in problem


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("points = 25", "points = inf", "criteria.core.points"),
        ("points = 25", "points = nan", "criteria.core.points"),
        ("total_points = 100", "total_points = inf", "total_points"),
        ("test_set_then_get_returns_value = 2", "test_set_then_get_returns_value = inf",
         "criteria.core.weights.test_set_then_get_returns_value"),
        ("test_set_then_get_returns_value = 2", "test_set_then_get_returns_value = 1e300",
         "criteria.core"),
    ],
)  # fmt: skip
def test_rubric_numbers_that_are_not_finite(
    kv_copy: Path, replace_in: Edit, old: str, new: str, field: str
) -> None:
    replace_in(kv_copy / "rubric.toml", old, new)
    problems = _problems(kv_copy)
    assert any(
        problem.startswith(f"{kv_copy.resolve() / 'rubric.toml'}: {field}: ")
        for problem in problems
    ), problems


def test_tripwire_scored_by_a_rubric_row_is_named(kv_copy: Path, replace_in: Edit) -> None:
    tripwire = kv_copy / "tests" / "test_tripwire.py"
    text = tripwire.read_text()
    tripwire.write_text(text.replace("def test_tripwire", "@pytest.mark.edge\ndef test_tripwire"))
    if "import pytest" not in text:
        tripwire.write_text("import pytest\n" + tripwire.read_text())
    problems = _problems(kv_copy)
    assert problems == (
        f"{kv_copy.resolve() / 'rubric.toml'}: criteria.edge.select: marker 'edge' also selects "
        "the tripwire test_tripwire.py::test_tripwire, which must fail and is never scored "
        "(narrow the selector)",
    )


def test_every_problem_is_listed_with_its_file_and_field(kv_copy: Path, replace_in: Edit) -> None:
    replace_in(kv_copy / "challenge.toml", "cpus = 1.0", "cpus = 1e-300")
    replace_in(kv_copy / "challenge.toml", HOSTS, 'allowed_hosts = ["*"]')
    replace_in(kv_copy / "rubric.toml", "points = 25", "points = inf")
    replace_in(
        kv_copy / "rubric.toml",
        'points = 10\nselect = { marker = "edge" }',
        'points = -1\nselect = { marker = "edge" }',
    )
    with pytest.raises(ChallengeError, match=r"^4 problems: ") as caught:
        load_challenge(kv_copy, available())
    message = str(caught.value)
    root = kv_copy.resolve()
    for expected in (
        f"{root / 'challenge.toml'}: limits.cpus: ",
        f"{root / 'challenge.toml'}: allowed_hosts: ",
        f"{root / 'rubric.toml'}: criteria.core.points: ",
        f"{root / 'rubric.toml'}: criteria.edge.points: ",
    ):
        assert expected in message
