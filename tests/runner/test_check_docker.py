"""The bundled challenge's own content, re-graded for real: solution, starter and samples."""

from __future__ import annotations

import pytest

from challenges.samples import samples
from runner.check import check_samples

pytestmark = [pytest.mark.docker, pytest.mark.usefixtures("no_leftovers")]


def test_every_sample_lands_in_its_expected_range(
    kv_store, engine, kv_image, pipeline_config, tmp_path
):
    names = {sample.name for sample in samples(kv_store)}
    assert {
        "solution",
        "starter",
        "strong",
        "partial",
        "buggy",
        "no_import",
        "infinite_loop",
        "huge_output",
    } <= names
    checks = check_samples(kv_store, engine, kv_image, pipeline_config, tmp_path)
    report = {c.sample.name: (c.scorecard.outcome.value, c.percent, c.problems) for c in checks}
    assert all(check.ok for check in checks), report
    by_name = {check.sample.name: check for check in checks}
    assert by_name["solution"].percent == 100
    assert by_name["starter"].percent == 0
    huge = by_name["huge_output"].scorecard
    assert huge.tests.output_bytes > 1_000_000
    assert len(huge.tests.output_excerpt) < 20_000
    for check in checks:
        assert (tmp_path / check.sample.name / "report.html").is_file()
