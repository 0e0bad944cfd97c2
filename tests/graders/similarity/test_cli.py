"""``takehome similarity`` as a user runs it: a real process, its output, its report, and one
line naming the file when the input is wrong. (Here rather than in tests/takehome/: the
similarity work owns this directory.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.graders.similarity import variants

ROOT = Path(__file__).parents[3]
KV = ROOT / "challenges" / "catalog" / "kv-store"
HOSTILE = "<script>alert(1)</script>"


def takehome(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "takehome", "similarity", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ}, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def cohort(tmp_path: Path) -> list[str]:
    """A disguised copy of the reference (with a hostile string in it), and two samples."""
    copy = tmp_path / "copycat"
    copy.mkdir()
    text = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    text = variants.everything(text.replace("key must be str", f"{HOSTILE} key must be str"))
    (copy / "kvstore.py").write_text(text, encoding="utf-8")
    return [str(copy), str(KV / "samples" / "strong"), str(KV / "samples" / "buggy")]


def test_the_summary_ranks_the_copy_first_and_names_its_known_source(cohort: list[str]) -> None:
    result = takehome("--challenge", "kv-store", *cohort)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "kv-store: 3 submissions, 3 pairs, 3 sharing code"
    first = re.match(r"\s*(\d+\.\d)%\s+(\S+)\s+(\S+)", lines[1])
    assert first is not None, lines[1]
    assert float(first.group(1)) < 50  # no two of these three submissions are copies
    copycat = next(line for line in lines if line.startswith("copycat: nearest known"))
    assert re.search(r"nearest known (solution|samples/\w+) \(\w+\) (8\d|9\d|100)\.\d%", copycat)


def test_json_is_a_list_of_pairs_named_as_given(cohort: list[str]) -> None:
    result = takehome("--challenge", "kv-store", "--json", *cohort)
    assert result.returncode == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert isinstance(pairs, list)
    assert len(pairs) == 3
    assert {frozenset((p["a"], p["b"])) for p in pairs} == {
        frozenset(pair)
        for pair in (("copycat", "strong"), ("copycat", "buggy"), ("strong", "buggy"))
    }
    similarities = [p["similarity"] for p in pairs]
    assert similarities == sorted(similarities, reverse=True)
    assert all(0 <= s <= 1 for s in similarities)


def test_the_html_report_shows_regions_side_by_side_escaped(
    cohort: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = takehome("--challenge", "kv-store", "--out", str(out), cohort[0])
    assert result.returncode == 0, result.stderr
    assert f"report: {out / 'index.html'}" in result.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "copycat" in index
    assert "solution" in index
    pages = [p.read_text(encoding="utf-8") for p in sorted(out.glob("pair-*.html"))]
    assert pages, "a page per matched pair"
    copy_vs_reference = next(p for p in pages if "copycat and solution" in p)
    assert copy_vs_reference.count('class="sides"') >= 3
    assert "kvstore.py lines" in copy_vs_reference
    every = "".join([index, *pages])
    assert HOSTILE not in every
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in every
    assert not re.search(r"(src|href)=\"(https?:)?//", every)  # self-contained


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["/no/such/submission"], "/no/such/submission"),
        ([str(KV / "spec.md")], "spec.md"),
        ([str(KV / "solution"), "--known", str(KV / "spec.md")], "spec.md"),
        ([str(KV / "solution"), str(KV / "solution")], "given twice"),
        ([], "give SUBMISSIONS, or --store"),
        (["--store", str(KV / "solution")], "give no SUBMISSIONS"),
    ],
    ids=["missing", "a file", "known not a directory", "twice", "none", "store and dirs"],
)
def test_bad_input_is_one_line_naming_it_and_exit_1(args: list[str], named: str) -> None:
    result = takehome("--challenge", "kv-store", *args)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_store_mode_ranks_the_indexed_cohort_by_neutral_ids(kv_store, tmp_path: Path) -> None:
    from runner.similarity_index import index_tree
    from runner.store.runs import Store

    url = f"sqlite:///{tmp_path / 'takehome.db'}"
    copy = tmp_path / "alice-copy"
    copy.mkdir()
    text = (KV / "solution" / "kvstore.py").read_text(encoding="utf-8")
    (copy / "kvstore.py").write_text(variants.everything(text), encoding="utf-8")
    with Store.open(url) as store:
        ids = []
        for name, tree in [("alice", copy), ("bob", KV / "solution"),
                           ("carol", KV / "samples" / "partial")]:  # fmt: skip
            ids.append(store.submission_for("kv-store", name, str(tree), None))
            index_tree(store, kv_store, ids[-1], tree, "c")
    env = {**os.environ, "TAKEHOME_DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "takehome", "similarity", "--challenge", "kv-store", "--store"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("kv-store (")
    assert "3 submissions indexed (0 new)" in lines[0]
    assert re.match(rf"\s*(8\d|9\d|100)\.\d%  S{ids[0]}  S{ids[1]}  \(\d+ shared\)", lines[1])
    assert "alice" not in result.stdout
    assert "bob" not in result.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "takehome", "similarity", "--challenge", "kv-store", "--store",
         "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False,
    )  # fmt: skip
    pairs = json.loads(as_json.stdout)
    assert (pairs[0]["a"], pairs[0]["b"]) == (f"S{ids[0]}", f"S{ids[1]}")
