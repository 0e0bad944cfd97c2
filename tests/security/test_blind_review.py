"""SECURITY row 32: blind review holds against an identity planted everywhere a submission can
carry one, graded end to end against the real engine.

The identity is planted in a real git repository: the author ("Kind Human", a name whose
words are scorecard keys and enum values), another committer, a handle in README and LICENSE
URLs, a handle without @, a merge subject, the graded ref, a component of the source path,
and CamelCase / snake_case spellings in code that reaches the reviewer (a failure message,
the tests' output, lint and complexity hotspots).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from challenges.load import Challenge
from challenges.roster import load_roster
from reports.blind import PLACEHOLDER
from reports.scorecard import Scorecard, load_scorecard
from runner import batch
from runner.batch import grade_batch
from runner.cohort import grade_cohort, plan_cohort
from runner.pipeline import GradeRequest, PipelineConfig, grade
from runner.recording import IDENTITIES_DIR
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage

pytestmark = pytest.mark.docker

AUTHOR = ("Kind Human", "khuman.private@hmail.example")
COMMITTER = ("Quill Vexley", "qvex@quillmail.example")
REF = "veltrop/solution"
PLANTED = [
    "kind human", "kindhuman", "kind_human", "kind-human", "kind.human", "khuman.private",
    "hmail.example", "quill vexley", "quillvexley", "quill_vexley", "qvex@quillmail.example",
    "zorblax", "qwyndor", "frobnitz7", "mergeling", "veltrop", "pelliday",
]  # fmt: skip
"""Every form of the planted identity; none may reach a report (compared in lower case)."""
SHOUTED = " ".join([
    "KindHuman", "kind_human", "kindhuman", "kind-human", "Quill Vexley", "QuillVexley",
    "qvex@quillmail.example", "khuman.private@hmail.example", "zorblax", "qwyndor", "frobnitz7",
    "mergeling", "veltrop", "pelliday",
])  # fmt: skip
PLANTED_CODE = f'''

print("built by {SHOUTED}")


class KindHumanHelpers:
    """Helpers of KindHuman (github.com/zorblax)."""

    def kind_human_cache(self, value):
        if value is None:
            return 0
        if value == 1:
            return 1
        if value == 2:
            return 2
        for item in range(value):
            if item % 3 == 0 and item % 5 == 0:
                return item
        return -1


def _kind_human_clear(self):
    raise RuntimeError("clear refused by {SHOUTED}")


KVStore.clear = _kind_human_clear
'''


def _git(repo: Path, *args: str) -> str:
    env = {
        "PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
        "GIT_COMMITTER_NAME": COMMITTER[0], "GIT_COMMITTER_EMAIL": COMMITTER[1],
    }  # fmt: skip
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def _planted_repo(where: Path, challenge: Challenge) -> Path:
    """The reference solution signed, branched and merged by the planted identity."""
    shutil.copytree(challenge.root / "solution", where)
    _git(where, "init", "-q", "-b", "main")
    (where / "LICENSE").write_text(
        "MIT License\n\nCopyright (c) 2026 the authors, https://gitlab.com/qwyndor/kv\n"
    )
    (where / "README.md").write_text(
        "# KV store\n\nHome: https://github.com/zorblax/kv-store\nMastodon: frobnitz7\n"
    )
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "start from the reference")
    _git(where, "checkout", "-q", "-b", "feature")
    store = where / "kvstore.py"
    store.write_text(store.read_text() + PLANTED_CODE)
    (where / "kind_human_tools.py").write_text(
        "import os\n\n\ndef kind_human_tool():\n    kind_human_unused = 1\n    return 2\n"
    )
    _git(where, "add", "-A")
    _git(where, "commit", "-q", "-m", "helpers")
    _git(where, "checkout", "-q", "main")
    _git(where, "merge", "-q", "--no-ff", "-m", "Merge pull request #3 from mergeling/ttl-fix",
         "feature")  # fmt: skip
    _git(where, "branch", REF)
    return where


def _blind(config: PipelineConfig) -> PipelineConfig:
    return replace(config, blind=True)


def _leaks(folder: Path) -> dict[str, list[str]]:
    found = {}
    for name in ("scorecard.json", "report.html", "report.md"):
        text = (folder / name).read_text(encoding="utf-8").lower()
        found[name] = [form for form in PLANTED if form in text]
    return found


def _no_leaks(card: Scorecard, out: Path) -> None:
    assert card.blind
    assert _leaks(out / card.submission.id) == {n: [] for n in ("scorecard.json", "report.html",
                                                                 "report.md")}  # fmt: skip
    assert load_scorecard(out / card.submission.id / "scorecard.json") == card


def test_no_form_of_the_planted_identity_reaches_a_report(
    kv_store: Challenge, engine: Engine, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path,
):  # fmt: skip
    repo = _planted_repo(tmp_path / "pelliday" / "kv", kv_store)
    out = tmp_path / "out"
    request = GradeRequest(str(repo), kv_store, ref=REF, submission_id="kind-human")
    card = grade(request, engine, kv_image, _blind(pipeline_config), out).scorecard
    _no_leaks(card, out)
    # the planted text did reach the reviewer's channels, cleaned
    clear = next(c for c in card.tests.results if c.name == "test_clear_removes_everything")
    assert PLACEHOLDER in clear.message
    history = card.measurements.history
    assert history is not None
    assert any(c.merge and PLACEHOLDER in c.subject for c in history.commits)
    assert all(c.author_name == PLACEHOLDER for c in history.commits)
    lint, complexity = card.measurements.lint, card.measurements.complexity
    assert lint is not None
    assert complexity is not None
    assert any(PLACEHOLDER in f.message for f in lint.hotspots)
    assert any(h.name.startswith(f"{PLACEHOLDER}Helpers.") for h in complexity.hotspots)
    # and the structure did not: a name made of key and enum words changed none of it
    assert [row.kind for row in card.criteria] == [row.kind for row in card.criteria
                                                   if row.kind in {"auto", "human"}]  # fmt: skip
    assert any(row.kind == "human" for row in card.criteria)
    identity = (out / IDENTITIES_DIR / f"{card.submission.id}.json").read_text()
    assert str(repo) in identity  # staff can still find who it was


def test_two_candidates_from_the_same_local_path_get_different_blind_ids(
    kv_store: Challenge, engine: Engine, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path,
):  # fmt: skip
    folder = tmp_path / "unpacked-zip"
    out, config, cards = tmp_path / "out", _blind(pipeline_config), []
    for base in ("solution", "starter"):  # one candidate unpacked, graded, then the next
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(kv_store.root / base, folder)
        cards.append(grade(GradeRequest(str(folder), kv_store), engine, kv_image, config,
                           out).scorecard)  # fmt: skip
    first, second = cards
    assert first.submission.id != second.submission.id
    assert first.submission.commit != second.submission.commit  # two different folders' worth
    for card in cards:
        assert load_scorecard(out / card.submission.id / "scorecard.json") == card
        assert (out / IDENTITIES_DIR / f"{card.submission.id}.json").is_file()


def test_a_crashed_grading_in_a_blind_batch_is_recorded_blind(
    kv_store: Challenge, engine: Engine, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
):  # fmt: skip
    repo = _planted_repo(tmp_path / "pelliday" / "kv", kv_store)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a grader bug")

    monkeypatch.setattr(batch, "grade", crash)
    request = GradeRequest(str(repo), kv_store, ref=REF, submission_id="kind-human")
    out = tmp_path / "out"
    [graded] = grade_batch([request], engine, kv_image, _blind(pipeline_config), out, slots=1)
    assert graded.scorecard.outcome.value == "infra_error"
    _no_leaks(graded.scorecard, out)


def test_a_blind_cohort_never_reuses_a_named_scorecard_and_reuses_its_blind_ones(
    kv_store: Challenge, engine: Engine, kv_image: RunImage, pipeline_config: PipelineConfig,
    tmp_path: Path,
):  # fmt: skip
    repo = _planted_repo(tmp_path / "pelliday" / "kv", kv_store)
    roster = tmp_path / "cohort.csv"
    roster.write_text(f"alias,repo,ref\nkind-human,{repo},{REF}\n")
    entries, out = load_roster(roster), tmp_path / "out"
    named = plan_cohort(entries, kv_store, kv_image, pipeline_config, out)
    [card] = grade_cohort(named, engine, kv_image, pipeline_config, out, slots=1)
    assert not card.blind
    assert (out / "kind-human" / "scorecard.json").is_file()

    blind_config = _blind(pipeline_config)
    plan = plan_cohort(entries, kv_store, kv_image, blind_config, out)
    assert plan.kept == []
    assert len(plan.to_grade) == 1
    [blind_card] = grade_cohort(plan, engine, kv_image, blind_config, out, slots=1)
    _no_leaks(blind_card, out)

    again = plan_cohort(entries, kv_store, kv_image, blind_config, out)
    assert (again.to_grade, again.kept) == ([], [blind_card])  # the blind one is
