"""The static scan flags code that games the grader, with file and line, without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from graders.static_scan import MAX_FINDINGS, scan_tree

CATALOG = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"


def _scan(tmp_path: Path, source: str, network: bool = False) -> list[tuple[str, int, str]]:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "pkg" / "mod.py").write_text(source)
    return [(f.path, f.line, f.kind) for f in scan_tree(tmp_path, network)]


@pytest.mark.parametrize(
    ("source", "line", "kind"),
    [
        ("x = 1\nprint(open('/opt/takehome/suite/test_core.py').read())\n", 2, "grader-path"),
        ("import os\nfd = int(os.environ['TAKEHOME_REPORT_FD'])\n", 2, "grader-path"),
        ("open('/proc/1/environ').read()\n", 1, "grader-path"),
        ("from _pytest import reports\n", 1, "pytest-internals"),
        ("import pluggy\n", 1, "pytest-internals"),
        ("def pytest_runtest_makereport(item, call):\n    pass\n", 1, "pytest-internals"),
        ("import sys\nframe = sys._getframe(1)\n", 2, "frames"),
        ("import inspect\ninspect.stack()\n", 2, "frames"),
        ("def f(tb):\n    return tb.tb_frame.f_back.f_locals\n", 2, "frames"),
        ("class A:\n    def __eq__(self, other):\n        return True\n", 2, "always-equal"),
        ("class A:\n    def __ne__(self, other):\n        return False\n", 2, "always-equal"),
        ("import atexit\natexit.register(print)\n", 2, "process"),
        ("import os\nos.kill(os.getppid(), 9)\n", 2, "process"),
        ("import os\nos._exit(0)\n", 2, "process"),
        ("import signal\nsignal.signal(15, signal.SIG_IGN)\n", 2, "process"),
        ("import socket\n", 1, "network"),
        ("from urllib.request import urlopen\n", 1, "network"),
        ("import http.client\n", 1, "network"),
    ],
)
def test_each_pattern_is_flagged_with_file_and_line(tmp_path, source, line, kind):
    assert ("pkg/mod.py", line, kind) in _scan(tmp_path, source)


def test_honest_equality_is_not_flagged(tmp_path):
    source = "class A:\n    def __eq__(self, other):\n        return self.x == other.x\n"
    assert _scan(tmp_path, source) == []


def test_network_code_is_fine_where_the_challenge_expects_it(tmp_path):
    assert _scan(tmp_path, "import socket\n", network=True) == []


def test_the_bundled_solutions_raise_no_flags():
    for tree in [CATALOG / "solution", CATALOG / "starter", *(CATALOG / "samples").iterdir()]:
        assert scan_tree(tree) == [], tree.name


def test_files_that_do_not_parse_are_skipped_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "bad.py").write_text(f"open({str(marker)!r}, 'w')\ndef (:\n")
    (tmp_path / "good.py").write_text(f"open({str(marker)!r}, 'w')\nimport socket\n")
    assert [f.path for f in scan_tree(tmp_path)] == ["good.py"]
    assert not marker.exists()


def test_findings_are_capped(tmp_path):
    (tmp_path / "many.py").write_text("import os\n" + "os._exit(0)\n" * (MAX_FINDINGS * 3))
    assert len(scan_tree(tmp_path)) == MAX_FINDINGS


def test_symlinked_directories_are_not_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.py").write_text("import socket\n")
    (tmp_path / "loop").symlink_to(".")
    (tmp_path / "alias").symlink_to("real")
    assert [f.path for f in scan_tree(tmp_path)] == ["real/a.py"]
