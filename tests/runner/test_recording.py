"""Recording a grade: the HTML report links its human rows to the review app when one is
configured, and only for a grade that has something to review."""

from __future__ import annotations

from pathlib import Path

from challenges.load import Challenge
from graders.base import Outcome
from graders.hidden_suite import unrun_measurement
from reports.scorecard import SubmissionInfo, load_scorecard
from runner.recording import Gathered, record
from runner.sandbox.run_images import RunImage
from takehome import wiring
from takehome.settings import Settings
from tests.reports.conftest import measurement

IMAGE = RunImage(tag="takehome-run/kv:1", id="sha256:" + "ab" * 32, base="base")
INFO = SubmissionInfo(id="cand-1", source="/srv/cand-1", ref=None, commit="a" * 40)
REVIEW = "https://review.example.test"


def test_a_scored_grade_links_to_the_review_app(tmp_path: Path, kv_store: Challenge) -> None:
    graded = record(kv_store, INFO, IMAGE, measurement(kv_store, {}, Outcome.PASSED, "ok"),
                    Gathered(commit="a" * 40), "29.0", tmp_path, review_url=REVIEW)  # fmt: skip
    html = graded.reports["report.html"].read_text()
    assert f"{REVIEW}/review/find/kv-store/cand-1" in html


def test_an_unscored_grade_or_no_review_app_has_no_link(
    tmp_path: Path, kv_store: Challenge
) -> None:
    infra = unrun_measurement(kv_store, Outcome.INFRA_ERROR, "engine down")
    unscored = record(kv_store, INFO, IMAGE, infra, Gathered(), "29.0", tmp_path / "a",
                      review_url=REVIEW)  # fmt: skip
    assert "/review/find/" not in unscored.reports["report.html"].read_text()
    plain = record(kv_store, INFO, IMAGE, measurement(kv_store, {}, Outcome.PASSED, "ok"),
                   Gathered(commit="a" * 40), "29.0", tmp_path / "b")  # fmt: skip
    assert "/review/find/" not in plain.reports["report.html"].read_text()


def test_the_setting_reaches_the_pipeline(kv_store: Challenge) -> None:
    settings = Settings(review_url=REVIEW)
    assert wiring.pipeline_config(settings, kv_store).review_url == REVIEW


def test_another_submission_with_the_same_default_id_never_overwrites(
    tmp_path: Path, kv_store: Challenge
) -> None:
    """Two folders called solution (acronym/solution, bob/solution): both scorecards stay."""
    passed = measurement(kv_store, {}, Outcome.PASSED, "ok")
    first = SubmissionInfo(id="solution", source="/srv/acronym/solution", ref=None, commit="a" * 40)
    second = first.model_copy(update={"source": "/srv/bob/solution"})
    one = record(kv_store, first, IMAGE, passed, Gathered(commit="a" * 40), "29", tmp_path)
    two = record(kv_store, second, IMAGE, passed, Gathered(commit="a" * 40), "29", tmp_path)
    assert one.scorecard.submission.id == "solution"
    assert two.scorecard.submission.id.startswith("solution-")
    assert "another submission" in two.scorecard.flags[-1].message
    kept = load_scorecard(tmp_path / "solution" / "scorecard.json")
    assert kept.submission.source == "/srv/acronym/solution"
    again = record(kv_store, second, IMAGE, passed, Gathered(commit="a" * 40), "29", tmp_path)
    assert again.scorecard.submission.id == two.scorecard.submission.id  # its own, regraded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solution", two.scorecard.submission.id]
