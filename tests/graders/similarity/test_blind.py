"""Blind rules on ``takehome similarity``: with --blind, submissions are submission-001...,
and the candidates' names leave the summary, the JSON and every HTML page (their directory
names, the names they signed in a README, a file named after them, the code itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.graders.similarity import variants
from tests.graders.similarity.test_cli import KV, takehome

NAMES = re.compile(r"alice|smith|bob|jones", re.IGNORECASE)


@pytest.fixture
def cohort(tmp_path: Path) -> list[str]:
    """Alice Smith's copy of the reference, signed in code and README, and Bob Jones's own."""
    text = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    text = text.replace("key must be str", "key must be str (Alice Smith)")
    alice = tmp_path / "alice-smith"
    alice.mkdir()
    (alice / "smith_kvstore.py").write_text(variants.everything(text), encoding="utf-8")
    (alice / "README.md").write_text("# KV store\n\nAuthor: Alice Smith\n")
    bob = tmp_path / "bob-jones"
    bob.mkdir()
    (bob / "kvstore.py").write_text(text, encoding="utf-8")
    (bob / "README.md").write_text("Bob Jones <bob.jones@example.com>\n")
    return [str(alice), str(bob)]


def _everything(out: Path) -> str:
    return "".join(page.read_text(encoding="utf-8") for page in sorted(out.glob("*.html")))


def test_without_blind_the_names_are_there(cohort: list[str], tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = takehome("--challenge", "kv-store", "--out", str(out), *cohort)
    assert result.returncode == 0, result.stderr
    assert NAMES.search(result.stdout)
    assert NAMES.search(_everything(out))


def test_blind_removes_names_from_summary_json_and_pages(cohort: list[str], tmp_path) -> None:
    out = tmp_path / "report"
    result = takehome("--challenge", "kv-store", "--blind", "--out", str(out), *cohort)
    assert result.returncode == 0, result.stderr
    summary = result.stdout.replace(str(out), "")
    assert not NAMES.search(summary), summary
    assert "submission-001  submission-002" in summary
    pages = _everything(out)
    assert "submission-001" in pages
    assert "[candidate]" in pages  # the signed line of code, scrubbed
    assert not NAMES.search(pages), NAMES.findall(pages)
    assert len(list(out.glob("pair-*.html"))) >= 2
    as_json = takehome("--challenge", "kv-store", "--blind", "--json", *cohort)
    assert not NAMES.search(as_json.stdout)
    pairs = json.loads(as_json.stdout)
    assert (pairs[0]["a"], pairs[0]["b"]) == ("submission-001", "submission-002")
    assert pairs[0]["similarity"] >= 0.8
