"""Ranking quality, as the issue states it: for each kind of disguise, every disguised copy
of a bundled solution scores above every pair of different bundled solutions (AUC; printed,
see it with ``pytest -s``)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest

from graders.similarity.analysis import compare
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"
SOURCES = {
    "solution": KV / "solution",
    "strong": KV / "samples" / "strong",
    "buggy": KV / "samples" / "buggy",
    "partial": KV / "samples" / "partial",
}
KINDS: dict[str, tuple[Callable[[str], str], float]] = {
    "renamed": (variants.renamed, 0.99),
    "reordered": (variants.reordered, 0.99),
    "padded": (variants.padded, 0.99),
    "recommented": (variants.recommented, 0.99),
    "extracted": (variants.extracted, 0.95),
    "everything": (variants.everything_but_the_loop, 0.95),
}


def _similarity(first: Path, second: Path) -> float:
    pairs = compare("kv-store", KV / "starter", [first, second]).report.pairs
    return pairs[0].similarity if pairs else 0.0


@pytest.fixture(scope="module")
def different() -> list[float]:
    """Every pair of different bundled solutions (some share an author's helpers)."""
    return [_similarity(a, b) for a, b in combinations(SOURCES.values(), 2)]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_disguised_copy_ranks_above_every_pair_of_different_solutions(
    kind: str, different: list[float], tmp_path: Path
) -> None:
    change, floor = KINDS[kind]
    copies = []
    for name, folder in SOURCES.items():
        (tmp_path / name).mkdir()
        text = change((folder / "kvstore.py").read_text(encoding="utf-8"))
        (tmp_path / name / "kvstore.py").write_text(text, encoding="utf-8")
        copies.append(_similarity(folder, tmp_path / name))
    wins = sum(1.0 if c > d else 0.5 if c == d else 0.0 for c in copies for d in different)
    auc = wins / (len(copies) * len(different))
    print(f"{kind}: AUC {auc:.3f} (copies {min(copies):.2f}..{max(copies):.2f}, "
          f"different solutions {min(different):.2f}..{max(different):.2f})")  # fmt: skip
    assert auc >= floor
