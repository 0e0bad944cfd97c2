"""The rubric's ``similarity`` source: a disguised copy of the reference measures close to 1
against it, a row with thresholds scores it like any measured row and names the nearest
matches by neutral ids, earlier submissions come in through a lookup, and what cannot be
measured is not scored (fail closed)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from challenges.load import Challenge
from graders.base import Outcome, Submission
from graders.hidden_suite import SuiteMeasurement as Measured  # not a pytest class
from graders.registry import measuring
from graders.similarity.grader import SimilarityGrader, SimilarityMeasurement
from reports.scorecard import Measurements, Provenance, SubmissionInfo
from reports.scoring import build_scorecard
from takehome import wiring
from tests.graders.similarity import variants

KV = Path(__file__).parents[3] / "challenges" / "catalog" / "kv-store"
ROW = """
[[criteria]]
id = "originality"
kind = "auto"
title = "Distance from known solutions"
source = "similarity"
points = 5
metric = "max_similarity"
thresholds = [{ level = 4, max = 0.3 }, { level = 3, max = 0.5 }, { level = 2, max = 0.7 }]
"""
OWN = """
def histogram(words, width):
    counts = {}
    for word in words:
        counts[word.lower()] = counts.get(word.lower(), 0) + 1
    longest = max(counts.values(), default=1)
    lines = []
    for word, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        bar = "#" * max(1, count * width // longest)
        lines.append(f"{word:>12} {bar} {count}")
    return "\\n".join(lines)
"""


def _tree(root: Path, text: str) -> Path:
    root.mkdir()
    (root / "kvstore.py").write_text(text, encoding="utf-8")
    return root


def _copy(tmp_path: Path) -> Path:
    text = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    return _tree(tmp_path / "copy", variants.everything(text))


def _measure(challenge: Challenge, tree: Path, grader: SimilarityGrader | None = None):
    submission = Submission(challenge=challenge, tree=tree, run=None)
    return (grader or SimilarityGrader()).measure(submission)


@pytest.fixture
def with_row(tmp_path: Path) -> Challenge:
    """kv-store with a similarity row in its rubric (5 more points)."""
    root = tmp_path / "kv-similar"
    shutil.copytree(KV, root)
    rubric = (root / "rubric.toml").read_text(encoding="utf-8")
    rubric = rubric.replace("total_points = 100", "total_points = 105") + ROW
    (root / "rubric.toml").write_text(rubric, encoding="utf-8")
    return wiring.challenge(root)


def _card(challenge: Challenge, measured: SimilarityMeasurement):
    measurement = Measured(
        outcome=Outcome.PASSED, reason="graded", results=[], flags=[], suite_seconds=0.5,
        pytest_version="7.2.1", python_version="3.11.2", output_bytes=0, output_excerpt="",
    )  # fmt: skip
    provenance = Provenance(
        commit="a" * 40, image_id="sha256:" + "ab" * 32, suite_hash="f" * 64,
        rubric_version=challenge.rubric.version, challenge_version=challenge.config.version,
        tool_versions={}, timings={}, graded_at=datetime(2026, 12, 7, tzinfo=UTC),
    )  # fmt: skip
    info = SubmissionInfo(id="alice", source="https://github.com/alice/kv", ref=None,
                          commit="a" * 40)  # fmt: skip
    card = build_scorecard(challenge, info, measurement, provenance, [],
                           Measurements(similarity=measured))  # fmt: skip
    return next(row for row in card.criteria if row.id == "originality")


def test_the_grader_is_installed_for_the_similarity_source() -> None:
    assert any(isinstance(grader, SimilarityGrader) for grader in measuring())


def test_a_disguised_copy_of_the_reference_is_nearest_to_it(kv_store, tmp_path) -> None:
    measured = _measure(kv_store, _copy(tmp_path))
    assert measured.reason is None
    assert measured.max_similarity >= 0.8
    assert measured.nearest[0].id == "solution"
    assert measured.nearest[0].kind == "reference"
    assert measured.compared == 1 + len(list((KV / "samples").iterdir()))
    assert not measured.looked_up


def test_a_row_scores_it_by_thresholds_and_names_neutral_matches(with_row, tmp_path) -> None:
    row = _card(with_row, _measure(with_row, _copy(tmp_path)))
    assert row.level == 1
    assert row.score == 5 * 1 / 4
    assert row.detail.startswith("max_similarity = 0.")
    assert "(nearest: solution " in row.detail
    assert "alice" not in row.detail
    own = _tree(tmp_path / "own", OWN)
    fresh = _card(with_row, _measure(with_row, own))
    assert fresh.level == 4


def test_earlier_submissions_come_from_the_lookup(kv_store, tmp_path) -> None:
    class Earlier:
        def nearest(self, hashes: frozenset[int], k: int) -> list[tuple[str, float]]:
            assert hashes
            return [("S41", 0.97)]

    grader = SimilarityGrader(lambda submission: Earlier())
    measured = _measure(kv_store, _copy(tmp_path), grader)
    assert measured.looked_up
    assert (measured.nearest[0].id, measured.nearest[0].kind) == ("S41", "submission")
    assert measured.max_similarity == 0.97


def test_starter_code_only_is_not_scored(with_row, tmp_path) -> None:
    starter = tmp_path / "starter-only"
    shutil.copytree(KV / "starter", starter)
    measured = _measure(with_row, starter)
    assert measured.reason is not None
    assert "no code of the candidate's own" in measured.reason
    row = _card(with_row, measured)
    assert row.score is None
    assert row.detail.startswith("not scored: no code of the candidate's own")


def test_nothing_to_compare_with_is_not_scored(tmp_path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(KV, bare, ignore=shutil.ignore_patterns("solution", "samples"))
    challenge = wiring.challenge(bare)
    measured = _measure(challenge, _copy(tmp_path))
    assert measured.reason is not None
    assert measured.reason.startswith("nothing to compare with")
    assert measured.nearest == []


def test_an_unreadable_file_is_a_reason_not_an_error(with_row, tmp_path, monkeypatch) -> None:
    tree = _copy(tmp_path)
    (tree / "secret.py").write_text("x = 1\n")
    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    measured = _measure(with_row, tree)
    assert measured.reason is not None
    assert measured.reason.startswith("not compared: ")
    assert "secret.py: cannot be read (Permission denied)" in measured.reason
    assert _card(with_row, measured).score is None
