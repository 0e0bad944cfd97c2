"""The host side of the handoff, against a real FIFO and a reader thread (no engine)."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from runner.errors import InfraError
from runner.sandbox.handoff import FIFO_NAME, HOSTS_NAME, Handoff, linked_copy


@pytest.fixture
def handoff(tmp_path: Path):
    made = Handoff.create(tmp_path)
    yield made
    made.remove()


def _reader(fifo: Path, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_new_handoff_is_readable_by_the_sandbox_user_and_writable_by_nobody_else(handoff):
    fifo = handoff.directory / FIFO_NAME
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    for path in (handoff.directory, fifo, handoff.directory / HOSTS_NAME):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o004, path  # others may read
        assert not mode & 0o022, path  # only the owner writes
    assert b"localhost" in (handoff.directory / HOSTS_NAME).read_bytes()
    assert not handoff.tree.exists()


def test_go_reaches_a_waiting_reader(handoff):
    got: list[bytes] = []
    thread = _reader(handoff.directory / FIFO_NAME, got)
    handoff.go(alive=lambda: True, ready_seconds=10)
    thread.join(5)
    assert got == [b"go\n"]


def test_go_waits_for_a_reader_that_comes_late(handoff):
    got: list[bytes] = []
    timer = threading.Timer(0.3, lambda: _reader(handoff.directory / FIFO_NAME, got))
    timer.start()
    handoff.go(alive=lambda: True, ready_seconds=10)
    timer.join()
    for _ in range(100):
        if got:
            break
        time.sleep(0.05)
    assert got == [b"go\n"]


def test_a_container_that_died_before_reading_is_an_infra_error(handoff):
    with pytest.raises(InfraError, match="exited before it took its submission"):
        handoff.go(alive=lambda: False, ready_seconds=10)


def test_a_container_that_never_reads_is_an_infra_error_not_a_hang(handoff):
    with pytest.raises(InfraError, match="not ready after"):
        handoff.go(alive=lambda: True, ready_seconds=0.2)


def test_the_tree_goes_in_whole_and_comes_back(handoff, tmp_path):
    tree = tmp_path / "work" / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "mod.py").write_text("VALUE = 1\n")
    handoff.put(tree)
    assert not tree.exists()
    assert (handoff.tree / "pkg" / "mod.py").read_text() == "VALUE = 1\n"
    handoff.take_back(tree)
    assert (tree / "pkg" / "mod.py").read_text() == "VALUE = 1\n"
    assert not handoff.tree.exists()


def test_remove_leaves_nothing(tmp_path):
    made = Handoff.create(tmp_path)
    made.remove()
    assert list(tmp_path.iterdir()) == []


def test_the_run_gets_a_linked_copy_and_the_host_keeps_the_tree(tmp_path):
    tree = tmp_path / "tree"
    (tree / "pkg" / "deep").mkdir(parents=True)
    (tree / "pkg" / "mod.py").write_text("X = 1\n")
    (tree / "pkg" / "deep" / "data.txt").write_text("d\n")
    (tree / "link.py").symlink_to("pkg/mod.py")
    (tree / "pkg" / "up").symlink_to("..")
    copy = linked_copy(tree, tmp_path / "copy")
    assert (copy / "pkg" / "mod.py").stat().st_ino == (tree / "pkg" / "mod.py").stat().st_ino
    assert (copy / "pkg" / "deep" / "data.txt").read_text() == "d\n"
    assert os.readlink(copy / "link.py") == "pkg/mod.py"  # a link stays a link, not followed
    assert os.readlink(copy / "pkg" / "up") == ".."
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*")) == sorted(
        p.relative_to(tree).as_posix() for p in tree.rglob("*")
    )
