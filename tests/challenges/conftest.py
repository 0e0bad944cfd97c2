"""Fixtures for the challenge-format tests: a writable copy of the bundled kv-store."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Iterator
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


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, instead of blocking the suite, when a read waits on a FIFO (SIGALRM ends the
    blocking open(2) and the handler's exception ends the test)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(5)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
