"""Capturing the candidate's source: real trees on disk, hostile shapes, the starter compared."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.hidden_suite import unrun_measurement
from reports.scorecard import SubmissionInfo
from reports.source import SourceSnapshot, load_source
from runner import source_capture
from runner.recording import Gathered, record
from runner.sandbox.run_images import RunImage
from runner.source_capture import capture_source
from tests.hostile_trees import BAD_UTF8, CONTROL_NAME, deep_directory, remove_tree


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def _omitted(snapshot: SourceSnapshot) -> dict[str, str]:
    return {item.path: item.reason for item in snapshot.omitted}


def test_text_files_are_captured_sorted_and_git_is_skipped(tmp_path: Path) -> None:
    tree = _write(
        tmp_path / "tree",
        {
            "src/b.py": "b = 1\n",
            "a.md": "# A\n",
            ".git/config": "[core]\n",
            "src/.git": "gitdir: x\n",
        },
    )
    snapshot = capture_source(tree, None, "c0ffee", ["Kind Human"])
    assert [f.path for f in snapshot.files] == ["a.md", "src/b.py"]
    assert snapshot.files[1].text == "b = 1\n"
    assert {f.change for f in snapshot.files} == {"added"}
    assert snapshot.diffs == []  # no starter, no diffs
    assert snapshot.commit == "c0ffee"
    assert snapshot.identity == ["Kind Human"]
    assert not snapshot.blind


def test_symlink_is_omitted_and_its_target_never_read(tmp_path: Path) -> None:
    tree = _write(tmp_path / "tree", {"main.py": "x = 1\n"})
    (tree / "passwd.py").symlink_to("/etc/passwd")
    (tree / "linked_dir").symlink_to("/etc", target_is_directory=True)
    snapshot = capture_source(tree, None, "c")
    assert _omitted(snapshot) == {"passwd.py": "symlink", "linked_dir": "symlink"}
    dumped = snapshot.model_dump_json()
    assert "root:" not in dumped
    assert [f.path for f in snapshot.files] == ["main.py"]


def test_binary_latin1_fifo_and_socket_are_omitted_with_their_reason(tmp_path: Path) -> None:
    tree = _write(tmp_path / "tree", {"data.bin": b"PK\x03\x04\x00\x01", "old.py": b"caf\xe9\n"})
    os.mkfifo(tree / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tree / "sock"))
        snapshot = capture_source(tree, None, "c")
    finally:
        sock.close()
    assert _omitted(snapshot) == {
        "data.bin": "binary",
        "old.py": "not UTF-8",
        "pipe": "not a regular file",
        "sock": "not a regular file",
    }
    assert snapshot.files == []


def test_caps_per_file_and_total(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"f{n:02}.txt": "z" * 250_000 for n in range(18)}
    tree = _write(tmp_path / "tree", {**files, "big.py": "x" * (256 * 1024 + 1)})
    snapshot = capture_source(tree, None, "c")
    assert len(snapshot.files) == 16  # 16 x 250,000 bytes fit in 4 MiB, 17 do not
    assert _omitted(snapshot) == {
        "big.py": "over 256 KB",
        "f16.txt": "over the 4 MB total",
        "f17.txt": "over the 4 MB total",
    }


def test_the_omitted_list_is_capped_with_a_count(tmp_path: Path) -> None:
    tree = _write(tmp_path / "tree", {f"b{n:03}.bin": b"\0" for n in range(230)})
    snapshot = capture_source(tree, None, "c")
    assert len(snapshot.omitted) == 201
    assert snapshot.omitted[-1].reason == "30 more files left out, not listed"


def test_file_count_cap_names_its_reason(tmp_path: Path) -> None:
    tree = _write(tmp_path / "tree", {f"f{n:04}.txt": "z" for n in range(2_003)})
    snapshot = capture_source(tree, None, "c")
    assert len(snapshot.files) == 2_000
    assert _omitted(snapshot) == {
        f"f{n:04}.txt": "over the 2,000-file cap" for n in (2000, 2001, 2002)
    }


def test_a_very_deep_tree_and_hostile_names_do_not_raise(tmp_path: Path) -> None:
    tree = deep_directory(tmp_path / "tree")
    try:
        (tree / os.fsdecode(BAD_UTF8)).write_bytes(b"x = 1\n")
        (tree / CONTROL_NAME).write_text("y = 2\n", encoding="utf-8")
        snapshot = capture_source(tree, None, "c")
    finally:
        remove_tree(tree)
    assert len(snapshot.files) == 1
    assert snapshot.files[0].path.startswith("d/d/d/")
    assert snapshot.files[0].text == "X = 1\n"
    assert sorted(_omitted(snapshot).values()) == [
        "control character in file name",
        "file name not UTF-8",
    ]
    assert all("\x1b" not in item.path for item in snapshot.omitted)


def test_changes_against_the_starter(tmp_path: Path) -> None:
    starter = _write(
        tmp_path / "starter",
        {
            "kv.py": "def get():\n    pass\n",
            "same.py": "s = 1\n",
            "gone.py": "old = 1\n",
            "logo.png": b"\x89PNG\0",
        },
    )
    tree = _write(
        tmp_path / "tree",
        {
            "kv.py": "def get():\n    return 42\n",
            "same.py": "s = 1\n",
            "new.py": "n = 2\n",
            "logo.png": b"\x89PNG\0",
        },
    )
    snapshot = capture_source(tree, starter, "c")
    assert {f.path: f.change for f in snapshot.files} == {
        "kv.py": "modified",
        "same.py": "unchanged",
        "new.py": "added",
    }
    diffs = {d.path: d for d in snapshot.diffs}
    assert {path: d.status for path, d in diffs.items()} == {
        "gone.py": "deleted",
        "kv.py": "modified",
        "new.py": "added",
    }
    assert "-    pass\n+    return 42\n" in diffs["kv.py"].diff
    assert diffs["kv.py"].diff.startswith("--- a/kv.py\n+++ b/kv.py\n@@")
    assert "-old = 1" in diffs["gone.py"].diff
    assert "+n = 2" in diffs["new.py"].diff


def test_a_huge_diff_is_cut_with_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_capture, "DIFF_CAP", 1_000)
    starter = _write(tmp_path / "starter", {"a.py": "".join(f"{n}\n" for n in range(500))})
    tree = _write(tmp_path / "tree", {"a.py": "".join(f"{n}!\n" for n in range(500))})
    (diff,) = capture_source(tree, starter, "c").diffs
    assert diff.diff.endswith("[diff cut] over 0 KB\n")
    assert len(diff.diff) < 1_100


def test_record_writes_the_snapshot_redacted_when_blind(
    tmp_path: Path, kv_store: Challenge
) -> None:
    tree = _write(
        tmp_path / "tree", {"kindhuman_utils.py": "# by Kind Human <kh@humane.example>\n"}
    )
    snapshot = capture_source(tree, None, "c", ["Kind Human", "kh@humane.example", "kindhuman"])
    image = RunImage(tag="t", id="sha256:" + "a" * 64, base="b")
    tests = unrun_measurement(kv_store, Outcome.REPO_REJECTED, "no")
    info = SubmissionInfo(id="kind-human", source="/x/kindhuman", ref=None, commit="c")
    graded = record(
        kv_store,
        info,
        image,
        tests,
        Gathered(identity=["Kind Human"], source=snapshot),
        "e",
        tmp_path / "out",
    )
    where = graded.reports["scorecard.json"].parent
    written = load_source(where / "source.json")
    assert written == graded.source
    assert written.blind
    assert written.identity == []
    assert [f.path for f in written.files] == ["[candidate]_utils.py"]
    text = (where / "source.json").read_text(encoding="utf-8").lower()
    assert "kind" not in text
    assert "humane" not in text

    plain = record(kv_store, info, image, tests, Gathered(source=snapshot), "e", tmp_path / "p")
    assert load_source(plain.reports["scorecard.json"].parent / "source.json") == snapshot
    failed = record(kv_store, info, image, tests, Gathered(), "e", tmp_path / "p")
    assert failed.source is None
    assert not (failed.reports["scorecard.json"].parent / "source.json").exists()
