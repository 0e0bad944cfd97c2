"""Known solutions (the reference, the samples, a --known directory) are indexed like
submissions: each submission's nearest ones are named, and resemblance to an AI-written one
is shown as evidence, never turned into a score."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graders.similarity.analysis import compare
from graders.similarity.corpus import ai_written, challenge_solutions, known_directory
from graders.similarity.errors import SimilarityError
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"
AI_DESCRIPTION = "AI-written: ChatGPT's answer to the spec, pasted as is; passes everything"


@pytest.fixture
def challenge(tmp_path: Path) -> Path:
    """kv-store with its strong sample described as AI-written."""
    root = tmp_path / "kv-store"
    shutil.copytree(KV, root, ignore=shutil.ignore_patterns("__pycache__"))
    expected = root / "samples" / "strong" / "expected.toml"
    text = expected.read_text(encoding="utf-8")
    start = text.index("description = ")
    end = text.index("\n", start)
    expected.write_text(text[:start] + f'description = "{AI_DESCRIPTION}"' + text[end:])
    return root


def _submission(root: Path, name: str, text: str) -> Path:
    (root / name).mkdir()
    (root / name / "kvstore.py").write_text(text, encoding="utf-8")
    return root / name


def test_the_challenge_corpus_is_labelled_from_its_own_files(challenge: Path) -> None:
    kinds = {known.name: known.kind for known in challenge_solutions(challenge)}
    assert kinds["solution"] == "reference"
    assert kinds["samples/strong"] == "ai-written"
    assert kinds["samples/buggy"] == "sample"
    assert ai_written(AI_DESCRIPTION)
    assert not ai_written((KV / "samples" / "buggy" / "expected.toml").read_text())


def test_nearest_known_solutions_and_ai_resemblance(challenge: Path, tmp_path: Path) -> None:
    strong = (challenge / "samples" / "strong" / "kvstore.py").read_text(encoding="utf-8")
    solution = (challenge / "solution" / "kvstore.py").read_text(encoding="utf-8")
    pasted = _submission(tmp_path, "pasted", variants.renamed(strong))
    copied = _submission(tmp_path, "copied", variants.reordered(solution))
    own = challenge / "samples" / "partial"
    report = compare(
        "kv-store", challenge / "starter", [pasted, copied, own], challenge_solutions(challenge)
    ).report
    by_name = {s.name: s for s in report.submissions}
    assert by_name["pasted"].nearest_known[0].b == "samples/strong"
    assert by_name["pasted"].nearest_known[0].b_kind == "ai-written"
    assert by_name["pasted"].nearest_known[0].similarity >= 0.9
    assert by_name["pasted"].resembles_ai_written == ["samples/strong"]
    nearest = {p.b: p.similarity for p in by_name["copied"].nearest_known}
    assert nearest["solution"] >= 0.85  # (huge_output and infinite_loop are near-copies too)
    assert by_name["copied"].resembles_ai_written == []
    assert by_name["partial"].resembles_ai_written == []
    assert all(p.b_kind == "submission" for p in report.pairs)  # known ones are not pairs
    assert {n for n in report.known} >= {"solution", "samples/strong", "samples/buggy"}


def test_a_known_directory_is_one_known_solution_per_subdirectory(tmp_path: Path) -> None:
    known = tmp_path / "known"
    shutil.copytree(KV / "samples" / "strong", known / "github-answer")
    shutil.copytree(KV / "solution", known / "ai-claude")
    found = {k.name: k.kind for k in known_directory(known)}
    assert found == {"known/ai-claude": "ai-written", "known/github-answer": "known"}
    copy = _submission(
        tmp_path, "copy", variants.renamed((KV / "solution" / "kvstore.py").read_text())
    )
    report = compare("kv-store", KV / "starter", [copy], known_directory(known)).report
    assert report.submissions[0].resembles_ai_written == ["known/ai-claude"]


def test_a_known_directory_that_is_not_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SimilarityError, match=r"file\.txt"):
        known_directory(tmp_path / "file.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SimilarityError, match="empty"):
        known_directory(tmp_path / "empty")


def test_a_sample_labelled_ai_written_in_its_expectations_is_ai_written(tmp_path: Path) -> None:
    """The ``ai_written`` field decides, whatever the description's wording."""
    catalog = Path(__file__).resolve().parents[3] / "challenges" / "catalog"
    copy = tmp_path / "log-etl"
    shutil.copytree(catalog / "log-etl", copy)
    expected = copy / "samples" / "ai_baseline" / "expected.toml"
    lines = [line for line in expected.read_text().splitlines()
             if not line.startswith("description")]  # fmt: skip
    expected.write_text("\n".join(['description = "the baseline"', *lines]) + "\n")
    kinds = {known.name: known.kind for known in challenge_solutions(copy)}
    assert kinds["samples/ai_baseline"] == "ai-written"
    assert kinds["samples/strong"] == "sample"
