"""A sample's one verdict without Docker: the starter's declared expectation (expected.toml or a
[starter] table), per-row and auto-total ranges, the reference at full marks, flaky tests and
the gate's lines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from challenges.errors import ChallengeError
from challenges.load import Challenge, load_challenge
from challenges.model import ChallengeConfig
from challenges.samples import DEFAULT_STARTER, Sample, SampleExpectation, samples
from graders.base import Outcome
from graders.hidden_suite import CaseStatus
from graders.registry import available
from reports.scorecard import Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from runner.check import sample_check, sample_problems
from runner.quality.determinism import flaky_tests, outcomes
from runner.quality.lines import ai_line, timing_line
from tests.conftest import CATALOG
from tests.reports.conftest import measurement, measurements, provenance


@pytest.fixture
def kv_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kv-store"
    shutil.copytree(CATALOG / "kv-store", root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _card(challenge: Challenge, failing: dict[str, CaseStatus] | None = None,
          outcome: Outcome = Outcome.PASSED) -> Scorecard:  # fmt: skip
    info = SubmissionInfo(id="s", source="s", ref=None, commit="c" * 40)
    suite = measurement(challenge, failing or {}, outcome, "reason")
    return build_scorecard(challenge, info, suite, provenance(challenge), [],
                           measurements(challenge))  # fmt: skip


def _sample(name: str, **fields: object) -> Sample:
    base = {"schema_version": 1, "description": "d", "outcome": "passed", "tests_score": [0, 100]}
    return Sample(name, Path("/nowhere"), SampleExpectation.model_validate({**base, **fields}))


def test_starter_expectation_from_samples_starter_is_one_sample(kv_copy: Path) -> None:
    (kv_copy / "samples" / "starter").mkdir()
    (kv_copy / "samples" / "starter" / "expected.toml").write_text(
        'schema_version = 1\ndescription = "refactoring starter"\noutcome = "passed"\n'
        "tests_score = [100, 100]\nrows = { lint = [0, 40] }\n"
    )
    found = samples(load_challenge(kv_copy, available()))
    starters = [sample for sample in found if sample.name == "starter"]
    assert len(starters) == 1
    assert starters[0].path == kv_copy / "starter"
    assert starters[0].expected.outcome == "passed"
    assert starters[0].expected.rows == {"lint": (0.0, 40.0)}


def test_starter_expectation_from_a_starter_table(kv_copy: Path) -> None:
    config = (kv_copy / "challenge.toml").read_text()
    (kv_copy / "challenge.toml").write_text(
        config + '\n[starter]\noutcome = "test_failures"\ntests_score = [0, 20]\n'
    )
    starter = next(s for s in samples(load_challenge(kv_copy, available())) if s.name == "starter")
    assert (starter.expected.outcome, starter.expected.tests_score) == ("test_failures", (0, 20))
    (kv_copy / "samples" / "starter").mkdir()
    (kv_copy / "samples" / "starter" / "expected.toml").write_text(
        'schema_version = 1\ndescription = "x"\noutcome = "passed"\ntests_score = [0, 0]\n'
    )
    with pytest.raises(ChallengeError, match=r"also declared in challenge.toml \[starter\]"):
        samples(load_challenge(kv_copy, available()))


def test_default_starter_scores_nothing_on_any_row(kv_store: Challenge) -> None:
    starter = next(s for s in samples(kv_store) if s.name == "starter")
    assert starter.expected == DEFAULT_STARTER
    assert DEFAULT_STARTER.auto_score == (0.0, 0.0)


def test_row_ranges_are_checked_and_must_be_ordered() -> None:
    with pytest.raises(ValueError, match=r"the range of row 'lint' must be \[low, high\]"):
        _sample("x", rows={"lint": [50, 10]})
    with pytest.raises(ValueError, match=r"auto_score must be \[low, high\]"):
        _sample("x", auto_score=[0, 101])
    assert ChallengeConfig.model_fields["check"].default_factory is not None


def test_each_declared_row_auto_total_and_unknown_row_is_a_problem(kv_store: Challenge) -> None:
    names = [case.name for case in kv_store.tests]
    card = _card(kv_store, {names[0]: CaseStatus.FAILED}, Outcome.TEST_FAILURES)
    sample = _sample("weak", outcome="test_failures", rows={"lint": [0, 50], "core": [0, 100],
                     "nope": [0, 1]}, auto_score=[0, 50])  # fmt: skip
    assert sample_problems(sample, card) == [
        f"auto total {sample_check(sample, card).auto_percent:g} %, expected 0-50 %",
        "row lint 100 %, expected 0-50 %",
        "row nope: no such automatic row in the rubric",
    ]


def test_the_reference_must_be_at_full_marks_on_tests_lint_and_complexity(
    kv_store: Challenge,
) -> None:
    perfect = _card(kv_store)
    assert sample_problems(_sample("solution", tests_score=[100, 100]), perfect) == []
    names = [case.name for case in kv_store.groups["ttl"]]
    card = _card(kv_store, {names[0]: CaseStatus.FAILED}, Outcome.TEST_FAILURES)
    problems = sample_problems(_sample("solution", outcome="test_failures"), card)
    assert problems == ["row ttl (tests) 13.85/15, expected full marks"]


def test_a_test_whose_status_changes_is_flaky_unless_a_wall_timeout_cut_it(
    kv_store: Challenge,
) -> None:
    name = kv_store.tests[3].name
    steady, flaky = _card(kv_store), _card(kv_store, {name: CaseStatus.FAILED},
                                           Outcome.TEST_FAILURES)  # fmt: skip
    found = flaky_tests("solution", [steady, flaky, steady])
    assert [item.describe() for item in found] == [
        f"solution: {kv_store.tests[3].node_id} (failed x1, passed x2)"
    ]
    assert outcomes([steady, flaky]) == {"passed": 1, "test_failures": 1}
    cut = _card(kv_store, {name: CaseStatus.NOT_RUN}, Outcome.TIMEOUT)
    assert flaky_tests("slow", [steady, cut]) == []


def test_ai_baseline_is_shown_beside_the_human_samples_and_held_to_its_ceiling(
    kv_store: Challenge,
) -> None:
    card = _card(kv_store)
    human = sample_check(_sample("strong"), card)
    ai = sample_check(_sample("gpt", ai_written=True), card)
    described = sample_check(_sample("other", description="AI-generated in one pass"), card)
    assert ai_line([human], None) is None
    line = ai_line([human, ai, described], 100)
    assert line is not None
    assert line.verdict == "ok"
    assert line.text.startswith("AI-written gpt 100%, other 100% (auto total) beside human "
                                "samples: strong 100%")  # fmt: skip
    low = ai_line([human, ai], 60)
    assert low is not None
    assert (low.verdict, low.details) == ("FAIL", ["gpt scores above the ceiling"])
    missing = ai_line([human], 60)
    assert missing is not None
    assert missing.verdict == "FAIL"


def test_timing_warns_under_three_times_headroom(kv_store: Challenge) -> None:
    card = _card(kv_store)  # suite 0.5 s, each test 0.01 s
    assert timing_line([card], kv_store.config.limits).verdict == "ok"
    tight = kv_store.config.limits.model_copy(update={"wall_timeout": "1s"})
    line = timing_line([card], tight)
    assert (line.verdict, line.details) == ("warn", ["wall timeout: under 3x headroom"])


def test_a_sample_named_like_the_reference_is_refused(kv_copy: Path) -> None:
    shutil.copytree(kv_copy / "samples" / "strong", kv_copy / "samples" / "solution")
    with pytest.raises(ChallengeError, match=r"'solution' is the reference solution's name"):
        samples(load_challenge(kv_copy, available()))
