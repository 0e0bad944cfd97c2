"""The cache of starter figures: reused while nothing it depends on changes."""

from __future__ import annotations

import os

from graders.starter_cache import StarterCache


def test_figures_are_computed_once_per_starter_files_and_options(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    cache: StarterCache[int] = StarterCache()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get(tmp_path, ["a.py"], "E", compute) == 1
    assert cache.get(tmp_path, ["a.py"], "E", compute) == 1
    assert cache.get(tmp_path, ["a.py"], "F", compute) == 2
    assert cache.get(tmp_path, [], "E", compute) == 3
    assert len(calls) == 3


def test_a_file_changed_on_disk_is_measured_again(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    cache: StarterCache[str] = StarterCache()
    assert cache.get(tmp_path, ["a.py"], None, path.read_text) == "x = 1\n"
    path.write_text("x = 2\n")  # same size: the modification time tells
    stamp = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(stamp, stamp))
    assert cache.get(tmp_path, ["a.py"], None, path.read_text) == "x = 2\n"


def test_only_the_most_recent_entries_are_kept(tmp_path):
    cache: StarterCache[str] = StarterCache(size=2)
    for option in ("a", "b", "c"):
        cache.get(tmp_path, [], option, lambda option=option: option)
    assert cache.get(tmp_path, [], "a", lambda: "again") == "again"
    assert cache.get(tmp_path, [], "c", lambda: "again") == "c"
