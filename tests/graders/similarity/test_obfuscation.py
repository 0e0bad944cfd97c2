"""Copies of the kv-store reference solution, disguised the way copiers disguise code, are
still found; two independently written samples are not confused with them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from graders.similarity.analysis import compare
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"
SOLUTION = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")


def _pair_similarity(first: Path, second: Path) -> float:
    report = compare("kv-store", KV / "starter", [first, second]).report
    return report.pairs[0].similarity if report.pairs else 0.0


def _submission(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir()
    compile(text, name, "exec")  # the disguised copy is still a working program
    (folder / "kvstore.py").write_text(text, encoding="utf-8")
    return folder


INDEPENDENT = _pair_similarity(KV / "samples" / "strong", KV / "samples" / "buggy")


@pytest.mark.parametrize(
    ("change", "at_least"),
    [
        (variants.renamed, 0.95),
        (variants.reordered, 0.85),
        (variants.padded, 0.9),
        (variants.recommented, 0.95),
        (variants.loop_instead_of_comprehension, 0.95),
        (variants.extracted, 0.8),
        (variants.everything, 0.8),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_a_disguised_copy_scores_high_and_above_independent_work(
    tmp_path: Path, change: Callable[[str], str], at_least: float
) -> None:
    copy = _submission(tmp_path, "copy", change(SOLUTION))
    score = _pair_similarity(KV / "solution", copy)
    assert score >= at_least, f"{change.__name__}: {score:.2f}"
    assert score > INDEPENDENT + 0.5


def test_two_independent_samples_score_low() -> None:
    assert INDEPENDENT <= 0.1


def test_the_loop_rewrite_is_what_the_normaliser_undoes(tmp_path: Path) -> None:
    """Only the loop differs: keys() must match as a region in both files."""
    copy = _submission(tmp_path, "copy", variants.loop_instead_of_comprehension(SOLUTION))
    report = compare("kv-store", None, [KV / "solution", copy]).report
    keys_line = SOLUTION.splitlines().index(variants.SOLUTION_KEYS.rstrip("\n")) + 1
    assert any(r.lines_a[0] <= keys_line <= r.lines_a[1] for r in report.pairs[0].regions)
    assert report.pairs[0].similarity == 1.0
