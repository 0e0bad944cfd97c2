"""Every bundled challenge passes its own quality gate, in CI: the reference at full marks,
the starter and every sample in their ranges, no flaky test over two runs, and a mutation
kill rate of at least 85 % over 40 mutants of the reference (``takehome challenge check``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "challenges" / "catalog"
BUNDLED = sorted(path.name for path in CATALOG.iterdir() if (path / "challenge.toml").is_file())

pytestmark = pytest.mark.docker


def test_the_catalog_has_the_three_challenges_of_the_library() -> None:
    assert {"kv-store", "log-etl", "retrieval"} <= set(BUNDLED)


@pytest.mark.parametrize("slug", BUNDLED)
def test_a_bundled_challenge_passes_its_quality_gate(slug: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "takehome", "challenge", "check", slug, "--runs", "2",
         "--mutants", "40", "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=1500,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"PASSED: {slug}" in result.stdout
    assert "FAIL" not in result.stdout
    killed = re.search(r"kill rate ([\d.]+)%", result.stdout)
    assert killed is not None, result.stdout
    assert float(killed.group(1)) >= 85.0
