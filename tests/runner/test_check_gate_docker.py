"""The quality gate graded for real on copies of kv-store: a weakened suite fails on its kill
rate with the surviving mutants named, a planted flaky test is named, every sample gets one
verdict, the starter is held to its declared rows and the AI-written baseline to its ceiling."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from challenges.load import Challenge, load_challenge
from graders.registry import available
from runner.pipeline import PipelineConfig
from runner.quality.gate import GateOptions, GateReport, run_gate
from runner.quality.table import markdown_table
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import ensure_run_image
from tests.conftest import BASE_IMAGE, CATALOG

pytestmark = pytest.mark.docker

ROOT = Path(__file__).parents[2]
WEIGHTED = {
    "test_set_then_get_returns_value",
    "test_outer_rollback_discards_inner_committed_changes",
    "test_concurrent_incr_is_atomic",
}
"""Tests the rubric names (by weight): kept, or the weakened copy would not validate."""


def _copy(tmp_path: Path, with_samples: bool = False) -> Path:
    root = tmp_path / "kv-store"
    shutil.copytree(CATALOG / "kv-store", root, ignore=shutil.ignore_patterns("__pycache__"))
    if not with_samples:
        shutil.rmtree(root / "samples")
    return root


def _weaken(suite: Path) -> None:
    """Keep one test per file (and the tests the rubric weighs): every group still selects a
    test, most behaviour goes unchecked."""
    for path in sorted(suite.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        kept, first = [], True
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                if not first and node.name not in WEIGHTED:
                    continue
                first = False
            kept.append(node)
        tree.body = kept
        path.write_text(ast.unparse(tree) + "\n")


def _gate(root: Path, engine: Engine, config: PipelineConfig, out: Path,
          options: GateOptions) -> tuple[Challenge, GateReport]:  # fmt: skip
    challenge = load_challenge(root, available())
    image = ensure_run_image(engine, challenge, BASE_IMAGE)
    return challenge, run_gate(challenge, engine, image, config, out, options, available())


def _line(report: GateReport, check: str) -> str:
    return "\n".join(text for line in report.lines if line.check == check for text in line.render())


def test_the_gate_fails_a_weakened_suite_and_names_the_surviving_mutants(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _weaken(root / "tests")
    (tmp_path / "work").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "takehome", "challenge", "check", str(root), "--runs", "1",
         "--mutants", "30", "--jobs", "2", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, timeout=900,
        env={**os.environ, "TAKEHOME_WORK_DIR": str(tmp_path / "work")},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    mutation = next(line for line in out.splitlines() if " mutation " in line)
    assert mutation.startswith("FAIL mutation     kill rate "), out
    assert "(threshold 85%)" in mutation
    rate = float(mutation.split("kill rate ")[1].split("%")[0])
    assert rate < 85, out
    survivors = [line for line in out.splitlines() if line.strip().startswith("- survived ")]
    assert survivors, out
    assert all(" → " in line and "kvstore.py:" in line for line in survivors)
    assert out.splitlines()[-1].startswith("FAILED: kv-store in ")
    assert "ok   sample       solution" in out  # the weakened suite still passes the reference
    # mutants leave no reports where users look: only the samples' reports
    assert sorted(p.name for p in (tmp_path / "out" / "kv-store").iterdir()) == [
        "solution",
        "starter",
    ]


FLAKY = """
import os

import pytest

pytestmark = pytest.mark.core


def test_coin_one():
    assert os.urandom(1)[0] % 2, "tails"


def test_coin_two():
    assert os.urandom(1)[0] % 2, "tails"


def test_coin_three():
    assert os.urandom(1)[0] % 2, "tails"
"""


def test_the_gate_names_a_planted_flaky_test(tmp_path: Path, engine: Engine,
                                             pipeline_config: PipelineConfig) -> None:  # fmt: skip
    root = _copy(tmp_path)
    (root / "tests" / "test_flaky.py").write_text(FLAKY)
    # three coins: the chance that none of them differs over 6 runs is (2/64)**3, about 3e-5
    _, report = _gate(root, engine, pipeline_config, tmp_path / "out",
                      GateOptions(runs=6, mutants=0, slots=2))  # fmt: skip
    assert not report.passed
    line = next(line for line in report.lines if line.check == "determinism")
    assert line.verdict == "FAIL", line
    assert "flaky test(s) over 6 runs of 2 samples" in line.text
    assert line.details
    named = [d for d in line.details if "::" in d]
    assert any(d.startswith("solution: test_flaky.py::test_coin_") for d in named)
    for detail in named:  # the real tests are steady: only the coins are named
        assert detail.startswith(("solution: test_flaky.py::test_coin_",
                                  "starter: test_flaky.py::test_coin_")), detail  # fmt: skip
        assert detail.endswith(("x1)", "x2)", "x3)", "x4)", "x5)")), detail
    for detail in set(line.details) - set(named):
        assert "outcome differs between runs" in detail, detail
    assert _line(report, "mutation").startswith("skip mutation")


def test_one_verdict_per_sample_starter_rows_and_the_ai_ceiling(tmp_path: Path, engine: Engine,
                                                                pipeline_config: PipelineConfig,
                                                                ) -> None:  # fmt: skip
    root = _copy(tmp_path)
    (root / "samples" / "starter").mkdir(parents=True)
    (root / "samples" / "starter" / "expected.toml").write_text(
        'schema_version = 1\ndescription = "a starter that must lint perfectly"\n'
        'outcome = "test_failures"\ntests_score = [0, 0]\n'
        "rows = { lint = [100, 100], core = [0, 0] }\n"
    )
    shutil.copytree(CATALOG / "kv-store" / "samples" / "strong", root / "samples" / "assistant")
    (root / "samples" / "assistant" / "expected.toml").write_text(
        'schema_version = 1\ndescription = "written from the spec alone in one pass"\n'
        'outcome = "passed"\ntests_score = [0, 100]\nai_written = true\n'
    )
    config = (root / "challenge.toml").read_text()
    (root / "challenge.toml").write_text(config + "\n[check]\nai_ceiling = 70\n")
    _, report = _gate(root, engine, pipeline_config, tmp_path / "out",
                      GateOptions(runs=1, mutants=0, slots=2))  # fmt: skip
    verdicts = [(line.check, line.text.split()[0], line.verdict) for line in report.lines
                if line.check == "sample"]  # fmt: skip
    assert verdicts == [
        ("sample", "solution", "ok"),
        ("sample", "starter", "FAIL"),
        ("sample", "assistant", "ok"),
    ]
    starter = next(line for line in report.lines if line.text.startswith("starter"))
    assert starter.details == ["row lint 0 %, expected 100-100 %"]
    assistant = next(line for line in report.lines if line.text.startswith("assistant"))
    assert "[AI-written]" in assistant.text
    ai = next(line for line in report.lines if line.check == "ai-baseline")
    assert ai.verdict == "FAIL"
    assert "AI-written assistant 100% (auto total) beside human samples: solution 100%" in ai.text
    assert "ceiling 70%" in ai.text
    assert ai.details == ["assistant scores above the ceiling"]
    assert not report.passed
    table = markdown_table(report).splitlines()
    assert table[0] == (
        "| sample | outcome | core | ttl | transactions | edge | concurrency | lint | complexity "
        "| tests | auto total | verdict |"
    )
    assert table[2] == "| solution | passed | 25/25 | 15/15 | 15/15 | 10/10 | 10/10 | 5/5 | 5/5 " \
        "| 100 % | 100 % | ok |"  # fmt: skip
    assert table[3].startswith("| starter | test_failures | 0/25 |")
    assert table[3].endswith("| FAIL |")
    assert table[4].startswith("| assistant (AI-written) | passed |")
    assert table[-1].startswith("Check wall time: ")
