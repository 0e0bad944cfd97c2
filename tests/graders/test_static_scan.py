"""The static scan flags code that games the grader, with file and line, without running it."""

from __future__ import annotations

import os
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


def test_the_bundled_solutions_raise_no_flags_but_the_one_that_does_not_parse():
    for tree in [CATALOG / "solution", CATALOG / "starter", *(CATALOG / "samples").iterdir()]:
        found = [(f.kind, f.detail) for f in scan_tree(tree)]
        if tree.name == "no_import":
            assert found == [("unreadable", "not scanned: SyntaxError: expected ':'")]
        else:
            assert found == [], tree.name


def test_files_that_do_not_parse_are_flagged_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "bad.py").write_text(f"open({str(marker)!r}, 'w')\ndef (:\n")
    (tmp_path / "good.py").write_text(f"open({str(marker)!r}, 'w')\nimport socket\n")
    found = [(f.path, f.line, f.kind) for f in scan_tree(tmp_path)]
    assert found == [("bad.py", 2, "unreadable"), ("good.py", 2, "network")]
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


B64_PYTEST_INTERNALS = "X3B5dGVzdA=="  # base64 of "_pytest"
B64_EXEC = "aW1wb3J0IF9weXRlc3QucHl0aG9u"  # base64 of "import _pytest.python"


@pytest.mark.parametrize(
    ("source", "line", "kind", "said"),
    [
        ("import sys\nsys.modules['pytest'].raises = None\n", 2, "monkeypatch", "pytest.raises"),
        ("import sys\nsys.modules['_py' + 'test'] = object()\n", 2, "monkeypatch", "_pytest"),
        ("import sys\nsys.meta_path.insert(0, object())\n", 2, "monkeypatch", "meta_path"),
        ("def f():\n    pass\nf.__code__ = (lambda: 1).__code__\n", 3, "monkeypatch", "__code__"),
        ("import sys\nsys.setswitchinterval(1e-9)\n", 2, "monkeypatch", "setswitchinterval"),
        ("import pytest\nsetattr(pytest, 'rai' + 'ses', None)\n", 2, "monkeypatch",
         "pytest.raises"),
        ("import pytest as p\np.approx = lambda *a, **k: 1\n", 2, "monkeypatch", "pytest.approx"),
        ("import unittest\nunittest.TestCase.assertEqual = lambda *a: None\n", 2, "monkeypatch",
         "unittest.TestCase.assertEqual"),
        ("from unittest import TestCase as T\nsetattr(T, f\"{'assert'}True\", print)\n", 2,
         "monkeypatch", "unittest.TestCase.assertTrue"),
        ("import importlib\nm = importlib.import_module('py' + 'test')\nm.raises = None\n", 3,
         "monkeypatch", "pytest.raises"),
        ("def f(monkeypatch):\n    monkeypatch.setattr('pytest.approx', lambda *a: 1)\n", 2,
         "monkeypatch", "pytest.approx"),
        ("import takehome_plugin\n", 1, "pytest-internals", "takehome_plugin"),
        ("m = __import__(''.join(['_py', 'test']))\n", 1, "pytest-internals", "_pytest"),
        ("m = __import__(''.join(['_py', 'test']))\n", 1, "obfuscated", "_pytest"),
        (f"import base64\nm = __import__(base64.b64decode('{B64_PYTEST_INTERNALS}').decode())\n",
         2, "pytest-internals", "_pytest"),
        ("import codecs\nNAME = codecs.decode('clgrfg', 'rot13')\nm = __import__(NAME)\n"
         "m.raises = None\n", 4, "monkeypatch", "pytest.raises"),
        ("import codecs\nNAME = codecs.decode('clgrfg', 'rot13')\n", 2, "obfuscated", "pytest"),
        ("import os\ngetattr(os, 'sy' + 'stem')('id')\n", 2, "obfuscated", "system"),
        (f"import base64\nexec(base64.b64decode('{B64_EXEC}'))\n", 2, "pytest-internals",
         "in code run by exec: imports _pytest.python"),
        ("class A:\n    __eq__ = lambda self, other: True\n", 2, "always-equal", "__eq__"),
        ("Yes = type('Yes', (), {'__eq__': lambda s, o: True})\n", 1, "always-equal", "__eq__"),
        ("class A:\n    pass\nA.__eq__ = lambda s, o: 1\n", 3, "always-equal", "__eq__"),
        ("open('/opt/' + 'takehome/suite/test_core.py')\n", 1, "grader-path", "/opt/takehome"),
        ("fd = f\"{'TAKE'}HOME_REPORT_FD\"\n", 1, "grader-path", "TAKEHOME_"),
    ],
)  # fmt: skip
def test_names_built_or_decoded_at_run_time_are_seen_through(tmp_path, source, line, kind, said):
    (tmp_path / "mod.py").write_text(source)
    found = [(f.line, f.kind, f.detail) for f in scan_tree(tmp_path)]
    assert any((at, what) == (line, kind) and said in detail for at, what, detail in found), found


def test_an_honest_candidate_test_file_is_not_flagged(tmp_path):
    (tmp_path / "test_store.py").write_text(
        "import pytest\nfrom unittest import mock\nimport kvstore\n\n\n"
        "def test_expiry(monkeypatch):\n"
        "    monkeypatch.setattr(kvstore.time, 'monotonic', lambda: 5.0)\n"
        "    with mock.patch('kvstore.time.monotonic', return_value=1.0):\n"
        "        with pytest.raises(KeyError):\n"
        "            kvstore.KVStore().incr('x' + 'y')\n"
        "    assert getattr(kvstore, 'KV' + 'Store') is not None\n"
        "    assert 0.1 + 0.2 == pytest.approx(0.3)\n"
    )
    assert [(f.kind, f.detail) for f in scan_tree(tmp_path)] == [
        ("obfuscated", "getattr with a name built at run time: KVStore")
    ]


def test_an_expression_too_deep_for_the_parser_is_a_flag_not_a_crash(tmp_path):
    (tmp_path / "deep.py").write_text("x = " + "+".join(["1"] * 100_000) + "\n")
    (tmp_path / "later.py").write_text("import _pytest\n")
    found = [(f.path, f.kind) for f in scan_tree(tmp_path)]
    assert found == [("deep.py", "unreadable"), ("later.py", "pytest-internals")]


def test_a_deep_expression_the_parser_accepts_is_still_scanned_past(tmp_path):
    nested = "x = " + "+".join(["'a'"] * 2000) + "\n"  # parses; too deep to recurse
    (tmp_path / "mod.py").write_text(nested + "import sys\nsys.modules['pytest'] = None\n")
    found = [(f.line, f.kind) for f in scan_tree(tmp_path)]
    assert (3, "monkeypatch") in found


def test_invalid_utf8_names_and_control_characters_are_shown_safely(tmp_path):
    (tmp_path / os.fsdecode(b"bad\xff\x1b[31m.py")).write_text("import _pytest\n")
    [finding] = scan_tree(tmp_path)
    assert finding.path == "bad\ufffd.py"
    finding.model_dump_json()


def test_string_building_past_the_folding_budget_is_a_flag_not_a_silent_gap(tmp_path):
    chain = " + ".join(['"' + "a" * 200 + '"'] * 50)
    padding = "".join(f"x{i} = {chain}\n" for i in range(90))
    (tmp_path / "mod.py").write_text(padding + "import pytest\nsetattr(pytest, 'rai' + 'ses', 0)\n")
    found = [(f.line, f.kind, f.detail) for f in scan_tree(tmp_path)]
    assert (0, "obfuscated", "more constant string building than the scan folds: the rest is "
            "unresolved") in found  # fmt: skip
