"""The house rules DESIGN.md states and import-linter cannot see: small modules, no logic in
``__init__.py``, and a wrapper that needs only what the run image has."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("takehome", "runner", "reports", "graders", "challenges")
MODULE_LINES = 300
WRAPPER = ROOT / "runner" / "sandbox" / "wrapper"
IN_THE_IMAGE = {"pytest", "_pytest"}
"""What the run image has besides the standard library (the base image's python3-pytest)."""


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "catalog" not in path.parts
    ]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MODULE_LINES, f"{path.relative_to(ROOT)}: {lines} lines; split it by concern"


@pytest.mark.parametrize(
    "path", [p for p in _sources() if p.name == "__init__.py"], ids=lambda p: str(p.parent)
)
def test_package_init_holds_a_docstring_only(path: Path) -> None:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    assert len(body) == 1, f"{path.relative_to(ROOT)}: logic belongs in a module of its own"
    assert isinstance(body[0], ast.Expr), f"{path.relative_to(ROOT)}: a docstring only"
    assert isinstance(body[0].value, ast.Constant)


@pytest.mark.parametrize("path", sorted(WRAPPER.glob("*.py")), ids=lambda p: p.name)
def test_the_wrapper_imports_only_what_the_run_image_has(path: Path) -> None:
    siblings = {p.stem for p in WRAPPER.glob("*.py")}
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    foreign = imported - set(sys.stdlib_module_names) - IN_THE_IMAGE - siblings
    assert not foreign, f"{path.name} imports {sorted(foreign)}, which the run image lacks"
