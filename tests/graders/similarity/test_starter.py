"""Starter code is nobody's work: two submissions that share only the starter (kept as given
or edited) are not similar."""

from __future__ import annotations

import shutil
from pathlib import Path

from graders.similarity.analysis import compare
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"


def _similarity(starter: Path | None, *submissions: Path) -> float:
    report = compare("kv-store", starter, list(submissions)).report
    return max((pair.similarity for pair in report.pairs), default=0.0)


def _large_starter(root: Path) -> str:
    """A starter that is a whole working module (the reference solution, for the test)."""
    text = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    (root / "starter").mkdir()
    (root / "starter" / "kvstore.py").write_text(text, encoding="utf-8")
    return text


def test_untouched_starters_score_zero_once_it_is_removed(tmp_path: Path) -> None:
    _large_starter(tmp_path)
    for name in ("alice", "bob"):
        shutil.copytree(tmp_path / "starter", tmp_path / name)
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    assert _similarity(None, alice, bob) == 1.0  # what a starter-blind tool reports
    assert _similarity(tmp_path / "starter", alice, bob) == 0.0
    report = compare("kv-store", tmp_path / "starter", [alice, bob]).report
    assert all(s.fingerprints == 0 and s.starter_fingerprints > 50 for s in report.submissions)


def test_the_bundled_starter_scores_zero_against_the_reference() -> None:
    assert _similarity(KV / "starter", KV / "starter", KV / "solution") == 0.0


def test_a_large_starter_edited_differently_by_two_candidates_is_still_removed(
    tmp_path: Path,
) -> None:
    """The starter is a whole working module; each candidate edits its lines (one renames
    everything, the other rewrites comments and changes a condition) and adds their own
    independent code in another file (the strong and the partial samples)."""
    starter_text = _large_starter(tmp_path)
    edits = {
        "alice": (variants.renamed(starter_text), "strong"),
        "bob": (
            variants.recommented(starter_text).replace(
                "if not math.isfinite(ttl) or ttl <= 0:", "if ttl <= 0 or not math.isfinite(ttl):"
            ),
            "partial",
        ),
    }
    for name, (text, sample) in edits.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "kvstore.py").write_text(text, encoding="utf-8")
        shutil.copy(KV / "samples" / sample / "kvstore.py", tmp_path / name / "extra.py")
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    assert _similarity(None, alice, bob) > 0.5  # what a starter-blind tool reports
    assert _similarity(tmp_path / "starter", alice, bob) <= 0.05


def test_the_same_edit_to_many_starter_lines_does_not_make_two_candidates_similar(
    tmp_path: Path,
) -> None:
    """Both candidates make the obvious change the spec invites on 11 lines of the starter:
    the fingerprints across each edited line are still mostly starter code, so they go too
    (matching whole fingerprints against the starter instead would leave them: 0.23)."""
    text = _large_starter(tmp_path)
    edited = text.replace("self._clock()", "self._clock() + self._skew")
    for name, sample in (("alice", "strong"), ("bob", "partial")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "kvstore.py").write_text(edited, encoding="utf-8")
        shutil.copy(KV / "samples" / sample / "kvstore.py", tmp_path / name / "extra.py")
    alice, bob = tmp_path / "alice", tmp_path / "bob"
    assert _similarity(None, alice, bob) > 0.5
    assert _similarity(tmp_path / "starter", alice, bob) <= 0.1
