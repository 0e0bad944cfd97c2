"""``takehome challenge validate`` checks everything the README says, and lists every problem.

Regression tests of issue 11: a challenge without a solution, starter, spec or a sample's
expected.toml validated as "ok", and only the first problem of a broken challenge was named.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from challenges.errors import ChallengeError

Edit = Callable[[Path, str, str], None]
ROOT = Path(__file__).parents[2]


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "takehome", "challenge", "validate", str(root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    return lines[0]


def test_validate_names_each_missing_part(kv_copy: Path) -> None:
    from challenges.validate import validate_challenge
    from graders.registry import available

    shutil.rmtree(kv_copy / "solution")
    shutil.rmtree(kv_copy / "starter")
    (kv_copy / "spec.md").unlink()
    (kv_copy / "samples" / "buggy" / "expected.toml").unlink()
    with pytest.raises(ChallengeError, match=r"spec\.md: file not found") as caught:
        validate_challenge(kv_copy, available())
    root = kv_copy.resolve()
    assert caught.value.problems == (
        f"{root / 'spec.md'}: file not found",
        f"{root / 'starter'}: missing: the directory of the starter code given to candidates",
        f"{root / 'solution'}: missing: the directory of the reference solution",
        f"{root / 'samples' / 'buggy' / 'expected.toml'}: file not found",
    )


def test_cli_lists_every_problem_on_one_line(kv_copy: Path, replace_in: Edit) -> None:
    shutil.rmtree(kv_copy / "solution")
    replace_in(kv_copy / "challenge.toml", "cpus = 1.0", "cpus = 1e-300")
    replace_in(kv_copy / "rubric.toml", "points = 25", "points = inf")
    (kv_copy / "samples" / "partial" / "expected.toml").write_text("outcome = 3\n")
    line = _one_line(validate(kv_copy))
    root = kv_copy.resolve()
    assert line.startswith("error: 7 problems: ")  # expected.toml: 4 (3 fields missing)
    for expected in (
        f"{root / 'solution'}: missing",
        f"{root / 'challenge.toml'}: limits.cpus: ",
        f"{root / 'rubric.toml'}: criteria.core.points: ",
        f"{root / 'samples' / 'partial' / 'expected.toml'}: schema_version: Field required",
        f"{root / 'samples' / 'partial' / 'expected.toml'}: outcome: ",
    ):
        assert expected in line


@pytest.mark.parametrize(
    ("file", "make", "says"),
    [
        ("challenge.toml", "directory", "challenge.toml: is a directory"),
        ("rubric.toml", "fifo", "rubric.toml: is a FIFO"),
        ("challenge.toml", "deep", "challenge.toml: invalid TOML: nested too deeply"),
        ("tests/test_deep.py", "long-sum", "test_deep.py: the hidden test file does not parse"),
        ("tests/test_dir.py", "directory", "test_dir.py: is a directory"),
        ("challenge.toml", "no-limit", "challenge.toml: limits.cpus: "),
    ],
)
def test_cli_broken_challenges_exit_1_never_3(
    kv_copy: Path, file: str, make: str, says: str
) -> None:
    import os

    path = kv_copy / file
    if path.exists():
        path.unlink()
    if make == "directory":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)
    elif make == "deep":
        path.write_text("a = " + "[" * 1000 + "]" * 1000 + "\n")
    elif make == "long-sum":
        path.write_text("x = " + "+".join(["1"] * 100_000) + "\n")
    else:
        shutil.copy(ROOT / "challenges" / "catalog" / "kv-store" / file, path)
        path.write_text(path.read_text().replace("cpus = 1.0", "cpus = 1e-300"))
    assert says in _one_line(validate(kv_copy))


def test_cli_bundled_challenge_is_still_ok() -> None:
    result = validate(ROOT / "challenges" / "catalog" / "kv-store")
    assert result.returncode == 0, result.stderr
    assert ": ok — 50 tests" in result.stdout
