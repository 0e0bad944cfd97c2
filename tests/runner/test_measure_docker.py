"""Lint, complexity and history through the real pipeline, the time window, blind review."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reports.scorecard import AutoRow, Scorecard
from runner.pipeline import GradeRequest, PipelineConfig, grade
from tests.conftest import git

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _commit(
    repo: Path,
    files: dict[str, str],
    message: str,
    when: datetime,
    author: tuple[str, str] = ("Test Candidate", "candidate@example.com"),
) -> str:
    for relative, text in files.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text)
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when.isoformat(),
        "GIT_COMMITTER_DATE": when.isoformat(),
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
    }
    subprocess.run(["git", "-C", str(repo), "add", "-A"], env=env, check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", message], env=env, check=True)
    return git(repo, "rev-parse", "HEAD")


def _repo(tmp_path: Path, name: str = "candidate") -> Path:
    repo = tmp_path / name
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    return repo


def _row(card: Scorecard, row_id: str) -> AutoRow:
    row = next(r for r in card.criteria if r.id == row_id)
    assert isinstance(row, AutoRow)
    return row


def _grade(source, kv_store, engine, kv_image, config, out, **kw) -> Scorecard:
    return grade(GradeRequest(str(source), kv_store, **kw), engine, kv_image, config, out).scorecard


def test_the_reference_solution_gets_real_lint_complexity_and_history_figures(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    repo = _repo(tmp_path)
    _commit(repo, {"kvstore.py": (KV / "starter" / "kvstore.py").read_text()}, "starter", START)
    head = _commit(
        repo,
        {
            "kvstore.py": (KV / "solution" / "kvstore.py").read_text(),
            "README.md": (KV / "solution" / "README.md").read_text(),
        },
        "implement the store",
        START + timedelta(hours=2),
    )
    card = _grade(repo, kv_store, engine, kv_image, pipeline_config, tmp_path / "out")
    m = card.measurements
    assert m.lint is not None
    assert m.complexity is not None
    assert m.history is not None
    assert m.lint.files == 1
    assert m.lint.lines > 150
    assert m.complexity.functions > 15
    assert 1 <= m.complexity.max_cc <= 10
    assert m.complexity.delta_lloc is not None
    assert m.complexity.delta_lloc > 50
    assert [c.sha for c in m.history.commits][-1] == head
    assert m.history.late_commits == 0
    assert len(m.history.commits) == 2
    assert _row(card, "lint").level == 4
    assert _row(card, "lint").score == 5
    assert _row(card, "complexity").level == 4
    assert _row(card, "complexity").score == 5
    assert card.auto_score == 85


def test_the_starter_has_zero_deltas(kv_store, engine, kv_image, pipeline_config, tmp_path):
    card = _grade(KV / "starter", kv_store, engine, kv_image, pipeline_config, tmp_path)
    assert card.measurements.lint.added_findings == 0
    assert card.measurements.complexity.delta_lloc == 0
    assert card.measurements.complexity.delta_max_cc == 0
    assert card.measurements.history is None  # a plain directory has no history


def _forty_branches() -> str:
    arms = "\n".join(f"    elif x == {n}:\n        return {n}" for n in range(1, 40))
    return f"def classify(x):\n    if x == 0:\n        return 0\n{arms}\n    return -1\n"


def test_planted_lint_errors_and_a_forty_branch_function_get_the_thresholds_levels(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    tree = tmp_path / "messy"
    tree.mkdir()
    (tree / "kvstore.py").write_text((KV / "solution" / "kvstore.py").read_text())
    planted = (
        "import os, sys\nimport json\n\ndef unused(a):\n    b = 1\n    return undefined_name\n"
    )
    (tree / "helpers.py").write_text(planted + "\n\n" + _forty_branches())
    card = _grade(tree, kv_store, engine, kv_image, pipeline_config, tmp_path / "out")
    lint, complexity = card.measurements.lint, card.measurements.complexity
    assert lint.by_rule.get("F401", 0) >= 3  # os, sys, json unused
    assert lint.by_rule.get("F841") == 1
    assert lint.by_rule.get("F821") == 1
    assert any(h.path == "helpers.py" and h.line == 1 for h in lint.hotspots)
    level = _row(card, "lint").level
    expected = (
        4 if lint.per_kloc <= 10 else 3 if lint.per_kloc <= 25 else 2 if lint.per_kloc <= 50 else 1
    )
    assert level == expected
    assert complexity.max_cc >= 40
    assert complexity.hotspots[0].name == "classify"
    assert _row(card, "complexity").level == 1  # over 25: the lowest level
    assert _row(card, "complexity").score == pytest.approx(5 / 4)


def test_late_commits_are_flagged_and_the_last_commit_in_the_window_is_graded(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    repo = _repo(tmp_path)
    in_time = _commit(
        repo,
        {"kvstore.py": (KV / "solution" / "kvstore.py").read_text()},
        "done",
        START + timedelta(hours=3),
    )
    _commit(
        repo,
        {"kvstore.py": (KV / "starter" / "kvstore.py").read_text()},
        "oops, after the deadline",
        START + timedelta(hours=6),
    )
    card = _grade(
        repo, kv_store, engine, kv_image, pipeline_config, tmp_path / "out", window_start=START
    )
    assert card.submission.commit == in_time
    assert card.tests.score == 75
    notes = [f.message for f in card.flags if f.kind in {"history", "intake"}]
    assert any("after the window" in note for note in notes)
    assert any("can be forged" in note for note in notes)


IDENTITY = ["Zelda", "Quixote", "zquixote", "zq@corp.example"]


def test_blind_review_leaks_nothing_of_the_planted_identity(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    repo = _repo(tmp_path, "zquixote-kvstore")
    solution = (KV / "solution" / "kvstore.py").read_text()
    files = {
        "kvstore.py": "# Author: Zelda Quixote <zq@corp.example>\n"
        + solution
        + "\nprint('hello from Zelda Quixote, github.com/zquixote')\n",
        "zquixote_utils.py": "# (c) zquixote\ndef helper():\n    unused = 1\n    return 2\n",
        "LICENSE": "MIT License\n\nCopyright (c) 2026 Zelda Quixote\n",
        "README.md": "# KV store\n\nBy @zquixote. Questions: zq@corp.example\n",
    }
    _commit(repo, files, "Zelda's kv store", START, author=("Zelda Quixote", "zq@corp.example"))
    blind = PipelineConfig(
        intake=pipeline_config.intake, work_root=pipeline_config.work_root, blind=True
    )
    out = tmp_path / "out"
    card = _grade(repo, kv_store, engine, kv_image, blind, out)
    assert card.blind
    assert card.outcome == "passed"
    assert re.fullmatch(r"candidate-[0-9a-f]{10}", card.submission.id)
    folder = out / card.submission.id
    for name in ("report.html", "report.md", "scorecard.json"):
        text = (folder / name).read_text().lower()
        leaks = [token for token in IDENTITY if token.lower() in text]
        assert leaks == [], f"{name} leaks {leaks}"
    assert "[candidate]" in (folder / "scorecard.json").read_text()
    identity = (out / ".identities" / f"{card.submission.id}.json").read_text()
    assert str(repo) in identity  # staff can still find who it was
