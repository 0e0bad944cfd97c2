"""The lock file installs what pyproject.toml asks for, and the instruments that decide points
are pinned exactly: a fresh machine gets the versions CI tested, and a new ruff cannot rename a
rule under a scorecard."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).parents[1]
PINNED_EXACTLY = {"ruff", "radon"}


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements() -> list[Requirement]:
    project = _project()
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]  # type: ignore[index]
    return [Requirement(line) for line in declared]


def _locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;]+)", (ROOT / "requirements.lock").read_text(),
                      flags=re.M)  # fmt: skip
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_every_declared_requirement_is_locked_at_a_version_it_allows():
    locked = _locked()
    for requirement in _requirements():
        name = requirement.name.lower().replace("_", "-")
        assert name in locked, f"{name} is not in requirements.lock: run uv pip compile again"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock has {name}=={locked[name]}, pyproject.toml asks {requirement}"
        )


def test_the_instruments_that_decide_points_are_pinned_exactly():
    for requirement in _requirements():
        if requirement.name in PINNED_EXACTLY:
            assert str(requirement.specifier).startswith("=="), requirement
