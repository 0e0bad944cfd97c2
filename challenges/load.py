"""The one loader of a challenge directory: files parsed, cross-checked, hashed.

Everything a run depends on is checked here, once, so that a broken challenge fails when an
author validates it rather than halfway through a cohort. The checks go on after a problem,
and the one error raised lists every problem found, each with its file and field.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from challenges.errors import ChallengeError, Problems
from challenges.inventory import HiddenTest, inventory
from challenges.lint_rules import unknown_selectors
from challenges.location import CATALOG, resolve_challenge_dir
from challenges.model import ChallengeConfig
from challenges.rubric import AutoCriterion, Rubric
from challenges.suite import check_tripwire, rubric_groups, suite_directory, suite_hash
from challenges.toml_files import format_validation_error, load_toml_model

__all__ = [
    "CATALOG",
    "Challenge",
    "format_validation_error",
    "load_challenge",
    "load_toml_model",
    "resolve_challenge_dir",
    "with_inventory",
]


@dataclass(frozen=True)
class Challenge:
    """A loaded, validated challenge and the test groups its rubric selects."""

    root: Path
    config: ChallengeConfig
    rubric: Rubric
    tests: tuple[HiddenTest, ...]
    """Every hidden test, the tripwire included."""
    groups: dict[str, tuple[HiddenTest, ...]]
    """Tests of each ``source = "tests"`` rubric row, by criterion id."""
    suite_hash: str
    """sha256 over the hidden suite's paths and bytes: provenance and the image tag."""

    @property
    def suite_dir(self) -> Path:
        return self.root / self.config.tests.dir

    @property
    def tripwire(self) -> str:
        return self.config.tests.tripwire

    @cached_property
    def unscored(self) -> frozenset[str]:
        """Node IDs of the tests rubric.toml declares unscored: run, shown, never charged."""
        selectors = self.rubric.unscored
        return frozenset(
            case.node_id
            for case in self.tests
            if case.node_id != self.tripwire
            and any(selector.matches(case.node_id, case.markers) for selector in selectors)
        )

    @property
    def markers(self) -> list[str]:
        return sorted(set().union(*(case.markers for case in self.tests)))


def _check_sources(rubric: Rubric, rubric_path: Path, available: Collection[str]) -> None:
    problems = Problems()
    for criterion in rubric.criteria:
        wanted = [criterion.source] if isinstance(criterion, AutoCriterion) else criterion.evidence
        for source in wanted:
            if source not in available:
                problems.add(
                    f"{rubric_path}: criteria.{criterion.id}: grader {source!r} is not available "
                    f"(available: {', '.join(sorted(available))})"
                )
    problems.raise_any()


def _check_lint_rules(config: ChallengeConfig, config_path: Path) -> None:
    try:
        unknown = unknown_selectors(config.measure.lint_select)
    except RuntimeError as error:
        raise ChallengeError(f"{config_path}: measure.lint_select: cannot check: {error}") from None
    if unknown:
        raise ChallengeError.listing(
            [f"{config_path}: measure.lint_select: {code!r} is not a ruff rule" for code in unknown]
        )


def check_challenge(
    root: Path, available_sources: Collection[str], problems: Problems
) -> Challenge | None:
    """The challenge in ``root``, or None with every problem found recorded in ``problems``."""
    config_path, rubric_path = root / "challenge.toml", root / "rubric.toml"
    config = problems.collect(load_toml_model, config_path, ChallengeConfig)
    rubric = problems.collect(load_toml_model, rubric_path, Rubric)
    if rubric is not None:
        problems.collect(_check_sources, rubric, rubric_path, available_sources)
    if config is None:
        return None
    problems.collect(_check_lint_rules, config, config_path)
    suite_dir = problems.collect(suite_directory, root, config)
    if suite_dir is None:
        return None
    tests = problems.collect(inventory, suite_dir)
    if tests == []:
        problems.add(f"{suite_dir}: the hidden suite has no tests")
    hashed = problems.collect(suite_hash, suite_dir, root)
    if not tests:
        return None
    problems.collect(check_tripwire, root, config, tests)
    if rubric is None:
        return None
    groups = problems.collect(rubric_groups, rubric, tests, config.tests.tripwire, rubric_path)
    if problems.found or groups is None or hashed is None:
        return None
    return Challenge(root, config, rubric, tuple(tests), groups, hashed)


def with_inventory(challenge: Challenge, tests: Sequence[HiddenTest]) -> Challenge:
    """``challenge`` with another inventory of its hidden suite (pytest's own collection in
    the run image), its tripwire and rows checked against it again; every problem named."""
    problems = Problems()
    if not tests:
        problems.add(f"{challenge.suite_dir}: the hidden suite has no tests")
    else:
        problems.collect(check_tripwire, challenge.root, challenge.config, list(tests))
    groups = problems.collect(
        rubric_groups, challenge.rubric, list(tests), challenge.tripwire,
        challenge.root / "rubric.toml",
    )  # fmt: skip
    problems.raise_any()
    return replace(challenge, tests=tuple(tests), groups=groups or {})


def load_challenge(slug_or_dir: str | Path, available_sources: Collection[str]) -> Challenge:
    """Load and cross-check a challenge; ``available_sources`` are the installed graders."""
    problems = Problems()
    root = resolve_challenge_dir(str(slug_or_dir))
    challenge = check_challenge(root, available_sources, problems)
    problems.raise_any()
    if challenge is None:  # pragma: no cover - every path to None records a problem
        raise ChallengeError(f"{slug_or_dir}: the challenge could not be loaded")
    return challenge
