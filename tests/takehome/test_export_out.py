"""``export --out`` writes a file and nothing else, and ``feedback`` / ``export gradescope``
find the challenge the scorecard names; every refusal is one line naming the path."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from challenges.load import Challenge
from reports.render.pages import write_reports
from reports.scorecard import ChallengeInfo, load_scorecard
from tests.reports.conftest import hostile_card

ROOT = Path(__file__).parents[2]


def takehome(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "takehome", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)  # fmt: skip


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture
def card_path(kv_store: Challenge, tmp_path: Path) -> Path:
    return write_reports(hostile_card(kv_store), tmp_path / "cand")["scorecard.json"]


@pytest.mark.parametrize("command", ["csv", "gradescope"])
def test_export_to_a_new_file_or_over_a_regular_one(card_path, tmp_path, command):
    out = tmp_path / "export.out"
    for _ in range(2):
        result = takehome("export", command, str(card_path), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_text()


def test_export_through_a_symlink_writes_the_file_it_points_at(card_path, tmp_path):
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text("old\n")
    link.symlink_to(target)
    assert takehome("export", "csv", str(card_path), "--out", str(link)).returncode == 0
    assert link.is_symlink()
    assert target.read_text().startswith("submission,")


def test_export_refuses_to_replace_a_fifo(card_path, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = takehome("export", "csv", str(card_path), "--out", str(fifo))
    assert result.returncode == 1
    assert _one_error_line(result) == (
        f"error: {fifo}: is not a regular file; give the name of a new or existing file"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node takes root")
def test_export_refuses_to_replace_a_device(card_path, tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = takehome("export", "gradescope", str(card_path), "--out", str(device))
    assert result.returncode == 1
    assert f"{device}: is not a regular file" in _one_error_line(result)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_export_refuses_a_directory(card_path, tmp_path):
    result = takehome("export", "csv", str(card_path), "--out", str(tmp_path))
    assert result.returncode in {1, 2}  # click's own check (2) or ours (1)
    assert "is a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_into_a_missing_directory_is_one_line(card_path, tmp_path):
    out = tmp_path / "missing" / "cohort.csv"
    result = takehome("export", "csv", str(card_path), "--out", str(out))
    assert result.returncode == 1
    assert _one_error_line(result) == (
        f"error: {out}: cannot be written: {out.parent} is not an existing directory"
    )


def test_export_into_a_directory_that_cannot_be_written_is_one_line(card_path, tmp_path):
    if os.geteuid() == 0:
        out = Path("/sys/takehome-export.csv")  # root writes anywhere but a kernel file system
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = locked / "cohort.csv"
    result = takehome("export", "csv", str(card_path), "--out", str(out))
    assert result.returncode == 1
    assert _one_error_line(result) == f"error: {out}: cannot be written: permission denied"


@pytest.mark.parametrize("command", [("feedback",), ("export", "gradescope")])
def test_the_challenge_defaults_to_the_one_the_scorecard_names(card_path, command):
    result = takehome(*command, str(card_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)


@pytest.mark.parametrize("named", ["no-such-challenge", "../kv-store", "/etc", "KV-STORE"])
@pytest.mark.parametrize("command", [("feedback",), ("export", "gradescope")])
def test_a_scorecard_naming_no_bundled_challenge_asks_for_one(kv_store, tmp_path, named, command):
    card = hostile_card(kv_store)
    card = card.model_copy(update={"challenge": ChallengeInfo(id=named, version="1", title="t")})
    path = write_reports(card, tmp_path / "other")["scorecard.json"]
    result = takehome(*command, str(path))
    assert result.returncode == 1
    assert _one_error_line(result) == (
        f"error: {path}: challenge.id: {named!r} is not a bundled challenge; name it with "
        "--challenge SLUG_OR_DIR"
    )
    assert takehome(*command, str(path), "--challenge", "kv-store").returncode == 0


def test_gradescope_export_says_on_stderr_which_rows_it_leaves_out(card_path):
    result = takehome("export", "gradescope", str(card_path))
    assert result.returncode == 0, result.stderr
    card = load_scorecard(card_path)
    results = json.loads(result.stdout)
    assert results["score"] == card.auto_score
    humans = ", ".join(row.id for row in card.criteria if row.kind == "human")
    assert result.stderr == (
        f"{card_path}: left out of the export, not yet rated: {humans} "
        f"(score {card.auto_score:g} is the automatic part only)\n"
    )
