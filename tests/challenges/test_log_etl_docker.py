"""The bundled log-etl challenge: its spec's worked example, and its samples re-graded for real."""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from challenges.load import Challenge, load_challenge
from challenges.samples import samples
from graders.registry import available
from runner.check import check_samples
from runner.pipeline import PipelineConfig
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage, ensure_run_image

ROOT = Path(__file__).resolve().parents[2] / "challenges" / "catalog" / "log-etl"
BASE_IMAGE_ENV = "TAKEHOME_BASE_IMAGE"


def _module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)  # no __pycache__ inside the bundled challenge
    finally:
        sys.dont_write_bytecode = writes_bytecode
        del sys.modules[name]
    return module


def _spec_example(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """Build the spec's two example files and return the summary the spec promises."""
    text = (ROOT / "spec.md").read_text(encoding="utf-8")
    a_lines, b_lines = (
        re.search(rf"`in/{name}`[^\n]*:\n\n```\n(.*?)```", text, re.S).group(1)  # type: ignore[union-attr]
        for name in ("a.jsonl", "b.jsonl")
    )
    promised = re.search(r"returns and writes:\n\n```python\n(.*?)```", text, re.S)
    assert promised is not None
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_bytes(b"\xef\xbb\xbf" + a_lines.encode("utf-8"))
    (src / "b.jsonl").write_bytes(b_lines.encode("latin-1"))
    expected = ast.literal_eval(promised.group(1))
    return src, expected


@pytest.mark.parametrize("sample", ["solution", "samples/strong", "samples/renamed_copy"])
def test_spec_worked_example_is_what_the_reference_and_good_samples_produce(
    tmp_path: Path, sample: str
) -> None:
    src, expected = _spec_example(tmp_path)
    etl = _module(ROOT / sample / "etl.py", f"log_etl_{sample.replace('/', '_')}")
    out = tmp_path / "out.json"
    assert etl.run(src, out) == expected
    first = out.read_bytes()
    assert etl.run(src, out) == expected
    assert out.read_bytes() == first


@pytest.fixture(scope="module")
def log_etl() -> Challenge:
    return load_challenge("log-etl", available())


@pytest.mark.docker
@pytest.mark.usefixtures("no_leftovers")
def test_every_log_etl_sample_lands_in_its_expected_ranges(
    log_etl: Challenge, engine: Engine, pipeline_config: PipelineConfig, tmp_path: Path
) -> None:
    image: RunImage = ensure_run_image(
        engine, log_etl, os.environ.get(BASE_IMAGE_ENV, "takehome-base:bookworm")
    )
    names = {sample.name for sample in samples(log_etl)}
    assert {
        "solution",
        "starter",
        "strong",
        "weak",
        "buggy",
        "renamed_copy",
        "ai_baseline",
    } <= names
    checks = check_samples(log_etl, engine, image, pipeline_config, tmp_path)
    report = {c.sample.name: (c.scorecard.outcome.value, c.percent, c.problems) for c in checks}
    assert all(check.ok for check in checks), report
    by_name = {check.sample.name: check.scorecard for check in checks}
    reference = {row.id: row.score for row in by_name["solution"].criteria if row.kind == "auto"}
    renamed = {row.id: row.score for row in by_name["renamed_copy"].criteria if row.kind == "auto"}
    assert renamed == reference
    weak, buggy, strong = (by_name[name].auto_score for name in ("weak", "buggy", "strong"))
    assert weak is not None
    assert buggy is not None
    assert strong is not None
    assert weak < buggy < strong
