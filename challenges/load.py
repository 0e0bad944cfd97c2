"""The one loader of a challenge directory: files parsed, cross-checked, hashed.

Everything a run depends on is checked here, once, so that a broken challenge fails when an
author validates it rather than halfway through a cohort.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from challenges.errors import ChallengeError
from challenges.inventory import HiddenTest, inventory
from challenges.model import ChallengeConfig
from challenges.rubric import AutoCriterion, Rubric

CATALOG = Path(__file__).parent / "catalog"

_Model = TypeVar("_Model", bound=BaseModel)


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

    @property
    def markers(self) -> list[str]:
        return sorted(set().union(*(case.markers for case in self.tests)))


def _location(loc: tuple[int | str, ...], data: object) -> str:
    """A field path readers recognise: list items by their ``id`` when they have one, and
    without pydantic's union tags (``criteria.organisation``, not ``criteria.7.human``)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            named = node.get("id") if isinstance(node, dict) else None
            parts.append(str(named) if isinstance(named, str) and named else str(part))
        elif isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(str(part))
        elif isinstance(node, dict) and part in {"auto", "human"}:
            continue  # the discriminator's tag, not a field
        else:
            node = None
            parts.append(str(part))
    return ".".join(parts) or "(top level)"


def format_validation_error(source: str, error: ValidationError, data: object = None) -> str:
    """``file: field.path: message`` for the first few problems, on one line."""
    problems = []
    for detail in error.errors()[:3]:
        location = _location(detail["loc"], data)
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(f"{location}: {message}")
    more = len(error.errors()) - len(problems)
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"{source}: " + "; ".join(problems) + suffix


def load_toml_model(path: Path, model: type[_Model]) -> _Model:
    """Parse one TOML file into ``model``; errors name the file, the field and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ChallengeError(f"{path}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ChallengeError(f"{path}: invalid TOML: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ChallengeError(format_validation_error(str(path), error, data)) from None


def resolve_challenge_dir(slug_or_dir: str) -> Path:
    """A directory path as given, or a bundled challenge by its slug."""
    as_path = Path(slug_or_dir)
    if as_path.is_dir():
        return as_path.resolve()
    bundled = CATALOG / slug_or_dir
    if "/" not in slug_or_dir and bundled.is_dir():
        return bundled
    known = ", ".join(sorted(p.name for p in CATALOG.iterdir() if p.is_dir()))
    raise ChallengeError(
        f"{slug_or_dir}: no such challenge directory or bundled challenge (bundled: {known})"
    )


def suite_hash(suite_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in suite_dir.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts or ".pytest_cache" in path.parts:
            continue
        digest.update(path.relative_to(suite_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _select(
    criterion: AutoCriterion, tests: list[HiddenTest], rubric_path: Path
) -> list[HiddenTest]:
    selector = criterion.select
    if selector is None:
        raise ChallengeError(
            f"{rubric_path}: criteria.{criterion.id}.select: a tests row needs a marker or keyword"
        )
    chosen = [case for case in tests if selector.matches(case.node_id, case.markers)]
    if not chosen:
        raise ChallengeError(
            f"{rubric_path}: criteria.{criterion.id}.select: {selector.describe()} "
            "matches no test in the hidden suite"
        )
    names = {case.name for case in chosen}
    for name in criterion.weights:
        if name not in names:
            raise ChallengeError(
                f"{rubric_path}: criteria.{criterion.id}.weights: {name!r} is not a test "
                f"selected by {selector.describe()}"
            )
    return chosen


def _groups(
    rubric: Rubric, tests: list[HiddenTest], rubric_path: Path
) -> dict[str, tuple[HiddenTest, ...]]:
    groups: dict[str, tuple[HiddenTest, ...]] = {}
    owner: dict[str, str] = {}
    for criterion in rubric.auto:
        if criterion.source != "tests":
            continue
        chosen = _select(criterion, tests, rubric_path)
        for case in chosen:
            if case.node_id in owner:
                raise ChallengeError(
                    f"{rubric_path}: criteria.{criterion.id}.select: {case.node_id} is already "
                    f"scored by criteria.{owner[case.node_id]}"
                )
            owner[case.node_id] = criterion.id
        groups[criterion.id] = tuple(chosen)
    return groups


def load_challenge(slug_or_dir: str | Path, available_sources: Collection[str]) -> Challenge:
    """Load and cross-check a challenge; ``available_sources`` are the installed graders."""
    root = resolve_challenge_dir(str(slug_or_dir))
    config = load_toml_model(root / "challenge.toml", ChallengeConfig)
    rubric_path = root / "rubric.toml"
    rubric = load_toml_model(rubric_path, Rubric)
    for criterion in rubric.criteria:
        wanted = [criterion.source] if isinstance(criterion, AutoCriterion) else criterion.evidence
        for source in wanted:
            if source not in available_sources:
                raise ChallengeError(
                    f"{rubric_path}: criteria.{criterion.id}: grader {source!r} is not available "
                    f"(available: {', '.join(sorted(available_sources))})"
                )
    suite_dir = root / config.tests.dir
    if not suite_dir.is_dir():
        raise ChallengeError(
            f"{root / 'challenge.toml'}: tests.dir: {suite_dir} is not a directory"
        )
    tests = inventory(suite_dir)
    if not tests:
        raise ChallengeError(f"{suite_dir}: the hidden suite has no tests")
    node_ids = {case.node_id for case in tests}
    if config.tests.tripwire not in node_ids:
        raise ChallengeError(
            f"{root / 'challenge.toml'}: tests.tripwire: {config.tests.tripwire!r} is not a test "
            "in the hidden suite (every suite needs one test that must fail)"
        )
    scored = [case for case in tests if case.node_id != config.tests.tripwire]
    groups = _groups(rubric, scored, rubric_path)
    if groups:
        unscored = [c.node_id for c in scored if not any(c in g for g in groups.values())]
        if unscored:
            raise ChallengeError(
                f"{rubric_path}: {len(unscored)} hidden test(s) belong to no tests row, "
                f"e.g. {unscored[0]}"
            )
    return Challenge(
        root=root,
        config=config,
        rubric=rubric,
        tests=tuple(tests),
        groups=groups,
        suite_hash=suite_hash(suite_dir),
    )
