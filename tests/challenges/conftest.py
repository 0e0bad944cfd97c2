"""Fixtures for the challenge-format tests: a writable copy of the bundled kv-store."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from challenges.load import CATALOG

KV_STORE = CATALOG / "kv-store"


@pytest.fixture
def kv_copy(tmp_path: Path) -> Path:
    """A copy of challenges/catalog/kv-store that a test may break one thing in."""
    root = tmp_path / "kv-store"
    shutil.copytree(KV_STORE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


Edit = Callable[[Path, str, str], None]


@pytest.fixture
def replace_in() -> Edit:
    """Replace one exact, present snippet of a file (so a test cannot silently edit nothing)."""

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return replace
