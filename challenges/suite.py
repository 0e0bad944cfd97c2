"""The hidden suite as the rubric sees it: where it is, its tripwire, the rows' test groups.

Each check records its problems and goes on, so that ``challenge validate`` lists them all.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from challenges.errors import ChallengeError, Problems
from challenges.files import is_directory, read_bytes
from challenges.inventory import HiddenTest
from challenges.model import ChallengeConfig
from challenges.rubric import AutoCriterion, Rubric

HASHED_FILE_CAP = 64 * 1024 * 1024
"""Largest file of the hidden suite (test data included); the whole suite goes into an image."""


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symlinks resolved, is within ``root``; a dangling symlink or a loop
    counts as inside (it is refused, or skipped, as what it is)."""
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return True


def suite_directory(root: Path, config: ChallengeConfig) -> Path:
    """``tests.dir`` of challenge.toml: an existing directory inside the challenge, symlinks
    included (a suite outside the challenge would put any host directory into the image)."""
    where = f"{root / 'challenge.toml'}: tests.dir"
    suite_dir = root / config.tests.dir
    if not _inside(suite_dir, root):
        raise ChallengeError(
            f"{where}: {config.tests.dir!r} leads outside the challenge directory "
            f"(to {suite_dir.resolve()})"
        )
    if not is_directory(suite_dir):
        raise ChallengeError(f"{where}: {suite_dir} is not a directory")
    return suite_dir


def suite_hash(suite_dir: Path, root: Path) -> str:
    """sha256 over the suite's relative paths and bytes (caches left out). A symlink leading
    outside the challenge is refused: its target would be copied into the run image."""
    digest = hashlib.sha256()
    problems = Problems()
    for path in sorted(suite_dir.rglob("*")):
        if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
            continue
        if path.is_symlink() and not _inside(path, root):
            problems.add(f"{path}: a symlink in the hidden suite leads outside the challenge")
            continue
        if not path.is_file():
            continue
        data = problems.collect(read_bytes, path, ChallengeError, HASHED_FILE_CAP)
        digest.update(path.relative_to(suite_dir).as_posix().encode() + b"\0")
        digest.update((data or b"") + b"\0")
    problems.raise_any()
    return digest.hexdigest()


def check_tripwire(root: Path, config: ChallengeConfig, tests: list[HiddenTest]) -> None:
    if config.tests.tripwire not in {case.node_id for case in tests}:
        raise ChallengeError(
            f"{root / 'challenge.toml'}: tests.tripwire: {config.tests.tripwire!r} is not a test "
            "in the hidden suite (every suite needs one test that must fail)"
        )


def _select(
    criterion: AutoCriterion, tests: list[HiddenTest], tripwire: str, rubric_path: Path
) -> list[HiddenTest]:
    where = f"{rubric_path}: criteria.{criterion.id}"
    selector = criterion.select
    if selector is None:
        raise ChallengeError(f"{where}.select: a tests row needs a marker or keyword")
    chosen = [case for case in tests if selector.matches(case.node_id, case.markers)]
    problems = Problems()
    if any(case.node_id == tripwire for case in chosen):
        problems.add(
            f"{where}.select: {selector.describe()} also selects the tripwire {tripwire}, which "
            "must fail and is never scored (narrow the selector)"
        )
        chosen = [case for case in chosen if case.node_id != tripwire]
    if not chosen:
        problems.add(f"{where}.select: {selector.describe()} matches no test in the hidden suite")
    names = {case.name for case in chosen}
    for name in criterion.weights:
        if name not in names:
            problems.add(
                f"{where}.weights: {name!r} is not a test selected by {selector.describe()}"
            )
    problems.raise_any()
    return chosen


UNSCORED_GROUP = "(not scored)"
"""Where the tests rubric.toml declares unscored and no row selects are listed (not a valid
criterion id, so never a row's)."""


def _unscored(rubric: Rubric, tests: list[HiddenTest], tripwire: str, rubric_path: Path,
              problems: Problems) -> set[str]:  # fmt: skip
    found: set[str] = set()
    for number, selector in enumerate(rubric.unscored):
        chosen = {c.node_id for c in tests if selector.matches(c.node_id, c.markers)}
        if not chosen - {tripwire}:
            problems.add(f"{rubric_path}: unscored[{number}]: {selector.describe()} matches no "
                         "test in the hidden suite")  # fmt: skip
        found |= chosen - {tripwire}
    return found


def rubric_groups(
    rubric: Rubric, tests: list[HiddenTest], tripwire: str, rubric_path: Path
) -> dict[str, tuple[HiddenTest, ...]]:
    """The tests of each ``source = "tests"`` row, by criterion id: every scored test in
    exactly one row, the tripwire in none; tests declared unscored that no row selects are
    listed under ``UNSCORED_GROUP``."""
    groups: dict[str, tuple[HiddenTest, ...]] = {}
    owner: dict[str, str] = {}
    problems = Problems()
    for criterion in rubric.auto:
        if criterion.source != "tests":
            continue
        chosen = problems.collect(_select, criterion, tests, tripwire, rubric_path)
        for case in chosen or []:
            if case.node_id in owner:
                problems.add(
                    f"{rubric_path}: criteria.{criterion.id}.select: {case.node_id} is already "
                    f"scored by criteria.{owner[case.node_id]}"
                )
            owner.setdefault(case.node_id, criterion.id)
        groups[criterion.id] = tuple(chosen or ())
    declared = _unscored(rubric, tests, tripwire, rubric_path, problems)
    for criterion_id, row_tests in groups.items():
        if row_tests and all(case.node_id in declared for case in row_tests):
            problems.add(f"{rubric_path}: criteria.{criterion_id}: every test it selects is "
                         "declared unscored, so the row could never earn its points")  # fmt: skip
    scored = [case for case in tests if case.node_id != tripwire]
    rowless = [case for case in scored if case.node_id not in owner]
    stray = [case.node_id for case in rowless if case.node_id not in declared]
    known_tripwire = len(scored) < len(tests)
    # Only when the rows themselves are sound: else this repeats their problem.
    if groups and stray and known_tripwire and not problems.found:
        problems.add(
            f"{rubric_path}: {len(stray)} hidden test(s) belong to no tests row and are not "
            f"declared unscored, e.g. {stray[0]}"
        )
    problems.raise_any()
    if extra := tuple(case for case in rowless if case.node_id in declared):
        groups[UNSCORED_GROUP] = extra
    return groups
