"""The hidden suite's inventory, read from syntax trees: node IDs and markers as in pytest."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from challenges.errors import ChallengeError
from challenges.inventory import HiddenTest, inventory


def _suite(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))
    return root


def _by_id(cases: list[HiddenTest]) -> dict[str, frozenset[str]]:
    return {case.node_id: case.markers for case in cases}


def test_module_level_pytestmark_marks_every_test(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                import pytest
                pytestmark = pytest.mark.core

                def test_one():
                    pass

                def test_two():
                    pass

                def helper():
                    pass
            """
        },
    )
    assert _by_id(inventory(suite)) == {
        "test_a.py::test_one": frozenset({"core"}),
        "test_a.py::test_two": frozenset({"core"}),
    }


def test_module_level_pytestmark_list(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                import pytest
                pytestmark = [pytest.mark.core, pytest.mark.slow(reason="big")]

                def test_one():
                    pass
            """
        },
    )
    assert _by_id(inventory(suite)) == {"test_a.py::test_one": frozenset({"core", "slow"})}


def test_decorator_markers_add_to_module_markers(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                import pytest
                pytestmark = pytest.mark.core

                @pytest.mark.ttl
                def test_marked():
                    pass

                @pytest.mark.parametrize("x", [1, 2])
                @pytest.mark.edge()
                async def test_async_and_called(x):
                    pass

                @some_other_decorator
                def test_plain():
                    pass
            """
        },
    )
    assert _by_id(inventory(suite)) == {
        "test_a.py::test_marked": frozenset({"core", "ttl"}),
        "test_a.py::test_async_and_called": frozenset({"core", "edge", "parametrize"}),
        "test_a.py::test_plain": frozenset({"core"}),
    }


def test_marker_imported_from_pytest_is_recognised(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                from pytest import mark
                pytestmark = mark.core

                @mark.ttl
                def test_one():
                    pass
            """
        },
    )
    assert _by_id(inventory(suite)) == {"test_a.py::test_one": frozenset({"core", "ttl"})}


def test_class_based_tests_get_class_in_node_id(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                import pytest
                pytestmark = pytest.mark.core

                @pytest.mark.transactions
                class TestCommit:
                    def test_keeps(self):
                        pass

                    @pytest.mark.slow
                    def test_nested(self):
                        pass

                    def helper(self):
                        pass

                class Helper:
                    def test_not_collected(self):
                        pass
            """
        },
    )
    cases = inventory(suite)
    assert _by_id(cases) == {
        "test_a.py::TestCommit::test_keeps": frozenset({"core", "transactions"}),
        "test_a.py::TestCommit::test_nested": frozenset({"core", "transactions", "slow"}),
    }
    assert [case.name for case in cases] == ["test_keeps", "test_nested"]


def test_nested_test_classes_and_class_pytestmark(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_a.py": """
                import pytest

                class TestOuter:
                    pytestmark = pytest.mark.core

                    def test_outer(self):
                        pass

                    @pytest.mark.ttl
                    class TestInner:
                        def test_inner(self):
                            pass
            """
        },
    )
    assert _by_id(inventory(suite)) == {
        "test_a.py::TestOuter::test_outer": frozenset({"core"}),
        "test_a.py::TestOuter::TestInner::test_inner": frozenset({"core", "ttl"}),
    }


def test_both_file_patterns_and_nested_directories(tmp_path: Path) -> None:
    suite = _suite(
        tmp_path,
        {
            "test_top.py": "def test_a():\n    pass\n",
            "store_test.py": "def test_b():\n    pass\n",
            "deep/er/test_nested.py": "def test_c():\n    pass\n",
            "conftest.py": "def test_not_a_test_file():\n    pass\n",
            "helpers.py": "def test_helper():\n    pass\n",
            "__pycache__/test_cached.py": "def test_stale():\n    pass\n",
        },
    )
    assert sorted(case.node_id for case in inventory(suite)) == [
        "deep/er/test_nested.py::test_c",
        "store_test.py::test_b",
        "test_top.py::test_a",
    ]


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    suite = _suite(tmp_path, {"sub/test_bad.py": "def test_x(:\n    pass\n"})
    with pytest.raises(ChallengeError, match="does not parse") as caught:
        inventory(suite)
    assert str(caught.value).startswith(f"{tmp_path / 'sub' / 'test_bad.py'}: ")
    assert "does not parse" in str(caught.value)


def test_undecodable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "test_latin.py").write_bytes(b"# caf\xe9\ndef test_x():\n    pass\n")
    with pytest.raises(
        ChallengeError, match=r"test_latin\.py: the hidden test file does not parse"
    ):
        inventory(tmp_path)


def test_bundled_suite_inventory(kv_store_suite: Path) -> None:
    cases = inventory(kv_store_suite)
    by_id = _by_id(cases)
    assert by_id["test_tripwire.py::test_tripwire"] == frozenset()
    assert by_id["test_ttl.py::test_key_expires_exactly_at_deadline"] == frozenset({"ttl"})
    # helpers and the FakeClock class are not tests
    assert not any("FakeClock" in node_id or "make_store" in node_id for node_id in by_id)


@pytest.fixture
def kv_store_suite(kv_copy: Path) -> Path:
    return kv_copy / "tests"


AWKWARD_SUITE = {
    "test_classes.py": """
        import pytest
        from pytest import mark

        pytestmark = mark.core

        class TestOuter:
            pytestmark = pytest.mark.ttl

            def test_outer(self):
                pass

            @pytest.mark.edge
            class TestInner:
                def test_inner(self):
                    pass

            class Helper:
                def test_not_collected(self):
                    pass

        @pytest.mark.parametrize("x", [1, 2])
        def test_param(x):
            pass
    """,
    "store_test.py": """
        import pytest

        pytestmark = [pytest.mark.edge, pytest.mark.ttl]

        def test_suffix_file():
            pass
    """,
    "deep/test_deep.py": """
        import pytest

        @pytest.mark.core
        def test_deep():
            pass
    """,
}


def _pytest_collects(suite: Path, ini: Path, marker: str | None) -> set[str]:
    args = [sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(suite)]
    args += ["-p", "no:cacheprovider", "--collect-only", "-q", str(suite)]
    if marker:
        args += ["-m", marker]
    result = subprocess.run(args, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode in (0, 5), result.stdout + result.stderr
    return {line.split("[", 1)[0] for line in result.stdout.splitlines() if "::" in line}


@pytest.mark.parametrize("marker", [None, "core", "ttl", "edge"])
def test_inventory_agrees_with_pytest_collection(tmp_path: Path, marker: str | None) -> None:
    suite = _suite(tmp_path / "suite", AWKWARD_SUITE)
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\npython_files = test_*.py *_test.py\n")
    cases = inventory(suite)
    ours = {case.node_id for case in cases if marker is None or marker in case.markers}
    assert ours == _pytest_collects(suite, ini, marker)


MIXED_SUITE = {
    "test_acronym.py": (
        "import unittest\n\n"
        "class AcronymTest(unittest.TestCase):\n"
        "    def test_basic(self):\n        pass\n"
        "    def test_lowercase_words(self):\n        pass\n"
        "    def helper(self):\n        pass\n\n"
        "class Base(unittest.TestCase):\n    def test_shared(self):\n        pass\n\n"
        "class Derived(Base):\n    def test_own(self):\n        pass\n\n"
        "class Plain:\n    def test_not_collected(self):\n        pass\n\n"
        "@unittest.skip('extra credit')\n"
        "class ExtraTest(unittest.TestCase):\n    def test_bonus(self):\n        pass\n"
    ),
    "test_mixed.py": (
        "import pytest\nfrom unittest import TestCase, IsolatedAsyncioTestCase\n\n"
        "def test_function():\n    pass\n\n"
        "@pytest.mark.parametrize('n', [1, 2])\ndef test_param(n):\n    pass\n\n"
        "class TestPlain:\n    def test_method(self):\n        pass\n"
        "    class TestNested:\n        def test_inner(self):\n            pass\n\n"
        "class WordCountTests(TestCase):\n    def test_count(self):\n        pass\n\n"
        "class AsyncChecks(IsolatedAsyncioTestCase):\n"
        "    async def test_async(self):\n        pass\n"
    ),
}


def test_the_inventory_is_what_pytest_collects_for_unittest_and_mixed_suites(tmp_path):
    """Exercism-style suites (``AcronymTest(unittest.TestCase)``), inherited test methods, and a
    file mixing functions, ``Test*`` classes and TestCase classes: the same tests as pytest."""
    for name, text in MIXED_SUITE.items():
        (tmp_path / name).write_text(text)
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", "/dev/null", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout  # fmt: skip
    by_pytest = {
        re.sub(r"\[.*\]$", "", line) for line in collected.splitlines() if "::" in line
    }  # parametrized instances are one inventory entry
    assert {case.node_id for case in inventory(tmp_path)} == by_pytest
    assert "test_acronym.py::Derived::test_shared" in by_pytest
