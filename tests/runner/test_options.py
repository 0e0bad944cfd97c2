"""The limits a run image carries for an early start: only what our build writes is read."""

from __future__ import annotations

import pytest

from runner.sandbox.options import LabelledLimits, labelled_limits, limits_label


def test_the_label_of_a_challenges_limits_reads_back_as_those_limits(kv_store) -> None:
    limits = kv_store.config.limits
    assert labelled_limits(limits_label(limits)) == LabelledLimits(
        memory_bytes=limits.memory_bytes, cpus=limits.cpus, pids=limits.pids,
        tmpfs_bytes=limits.tmpfs_bytes,
    )  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        None, "", "not json", "[]", "{}",
        '{"memory_bytes": 1, "cpus": 1, "pids": 1}',
        '{"memory_bytes": 1, "cpus": 1, "pids": 1, "tmpfs_bytes": 1, "extra": 1}',
        '{"memory_bytes": 0, "cpus": 1, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": -5, "cpus": 1, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": true, "cpus": 1, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": 1.5, "cpus": 1, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": "1", "cpus": 1, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": 1, "cpus": 0, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": 1, "cpus": NaN, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": 1, "cpus": Infinity, "pids": 1, "tmpfs_bytes": 1}',
        '{"memory_bytes": 1, "cpus": false, "pids": 1, "tmpfs_bytes": 1}',
        "[" * 100_000 + "]" * 100_000,
    ],
)  # fmt: skip
def test_a_label_our_build_did_not_write_gives_no_limits(text: str | None) -> None:
    assert labelled_limits(text) is None


def test_the_source_key_changes_with_what_an_image_is_built_from_not_with_samples(
    kv_store, tmp_path
) -> None:
    import shutil

    from runner.sandbox.options import source_key

    copy = tmp_path / "kv"
    shutil.copytree(kv_store.root, copy)
    key = source_key(copy)
    assert key == source_key(kv_store.root)  # where it lies does not matter
    (copy / "samples" / "new-sample").mkdir()
    (copy / "samples" / "new-sample" / "kvstore.py").write_text("x = 1\n")
    (copy / ".editor-swap").write_text("x")
    assert source_key(copy) == key
    (copy / "tests" / "test_core.py").write_text("def test_x():\n    pass\n")
    assert source_key(copy) != key


def test_a_challenge_too_big_to_hash_before_every_grade_has_no_source_key(tmp_path) -> None:
    from runner.sandbox import options

    (tmp_path / "challenge.toml").write_text("id = 'x'\n")
    (tmp_path / "data.bin").write_bytes(b"\0" * (options.SOURCE_CAP_BYTES + 1))
    assert options.source_key(tmp_path) is None
    (tmp_path / "data.bin").write_bytes(b"\0" * 10)
    assert options.source_key(tmp_path) is not None


def test_a_file_name_that_is_not_utf_8_is_hashed_not_a_crash(tmp_path) -> None:
    """Names are bytes on Linux; a challenge may hold one that no text encoding reads."""
    import os

    from runner.sandbox.options import source_key

    (tmp_path / "challenge.toml").write_text("id = 'x'\n")
    with open(os.path.join(os.fsencode(tmp_path), b"data-\xff.bin"), "wb") as odd:
        odd.write(b"x")
    assert source_key(tmp_path) is not None


def test_a_fifo_and_a_symlink_loop_are_left_out_not_read(tmp_path) -> None:
    """Reading a FIFO would block the grade; following a loop would never end."""
    import os

    from runner.sandbox.options import source_key

    (tmp_path / "challenge.toml").write_text("id = 'x'\n")
    key = source_key(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cases").symlink_to(tmp_path / "data")
    os.mkfifo(tmp_path / "data" / "pipe")
    assert source_key(tmp_path) == key
