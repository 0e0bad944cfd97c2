"""The hidden suite's test inventory, read statically from the test files' syntax trees.

The grader must know the expected set of node IDs *before* anything runs: a report from the
container that names other tests, or fewer, was tampered with. Reading the files as syntax
(never importing them) also lets a challenge load on a host that has none of its dependencies.
Parametrized tests are counted once per function; their instances share its weight.
``unittest.TestCase`` subclasses count whatever their names, as pytest collects them.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

from challenges.errors import ChallengeError, Problems
from challenges.files import SOURCE_CAP, read_bytes
from challenges.python_syntax import parse_python


@dataclass(frozen=True)
class HiddenTest:
    """One test function of the hidden suite."""

    node_id: str
    """pytest node ID relative to the suite directory, e.g. ``test_core.py::test_get``."""
    name: str
    markers: frozenset[str]


def _marker_names(node: ast.expr) -> set[str]:
    """Names of ``pytest.mark.X`` (called or not) in an expression, lists included."""
    if isinstance(node, ast.List | ast.Tuple):
        return set().union(*(_marker_names(element) for element in node.elts))
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute) and (
        (isinstance(node.value, ast.Attribute) and node.value.attr == "mark")
        or (isinstance(node.value, ast.Name) and node.value.id == "mark")  # from pytest import mark
    ):
        return {node.attr}
    return set()


def _module_markers(tree: ast.Module | ast.ClassDef) -> set[str]:
    """Markers of a module's (or a class body's) ``pytestmark = ...``."""
    markers: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark"
            for target in statement.targets
        ):
            markers |= _marker_names(statement.value)
    return markers


def _base_name(base: ast.expr) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


def _test_methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {
        member.name: member
        for member in cls.body
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef)
        and member.name.startswith("test")
    }


def _unittest_tests(
    relative: str, cls: ast.ClassDef, cases_of: dict[str, ast.ClassDef], inherited: set[str]
) -> list[HiddenTest]:
    """Tests of a ``unittest.TestCase`` subclass, whatever its name (pytest collects every
    one): its ``test*`` methods and those it inherits from TestCase classes of the same file,
    its own overriding theirs."""
    methods = _test_methods_with_bases(cls, cases_of)
    markers = inherited.union(*(_marker_names(d) for d in cls.decorator_list))
    return [_case(relative, [cls.name], method, markers) for method in methods.values()]


def _test_methods_with_bases(
    cls: ast.ClassDef, cases_of: dict[str, ast.ClassDef]
) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for base in reversed(cls.bases):
        name = _base_name(base)
        if name in cases_of and cases_of[name] is not cls:
            methods.update(_test_methods_with_bases(cases_of[name], cases_of))
    methods.update(_test_methods(cls))
    return methods


def _is_test_case(cls: ast.ClassDef, cases_of: dict[str, ast.ClassDef]) -> bool:
    """A subclass of ``unittest.TestCase`` (or ``IsolatedAsyncioTestCase``...), directly or
    through a TestCase class defined earlier in the same file."""
    return any(
        (name := _base_name(base)) is not None and (name.endswith("TestCase") or name in cases_of)
        for base in cls.bases
    )


def _tests_in(tree: ast.Module, relative: str) -> list[HiddenTest]:
    module_markers = _module_markers(tree)
    cases: list[HiddenTest] = []
    cases_of: dict[str, ast.ClassDef] = {}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if statement.name.startswith("test"):
                cases.append(_case(relative, [], statement, module_markers))
        elif isinstance(statement, ast.ClassDef) and _is_test_case(statement, cases_of):
            cases_of[statement.name] = statement
            cases.extend(_unittest_tests(relative, statement, cases_of, module_markers))
        elif isinstance(statement, ast.ClassDef) and statement.name.startswith("Test"):
            cases.extend(_class_tests(relative, [], statement, module_markers))
    return cases


def _class_tests(
    relative: str, outer: list[str], cls: ast.ClassDef, inherited: set[str]
) -> list[HiddenTest]:
    """Tests of a ``Test*`` class, nested ``Test*`` classes included (pytest collects them)."""
    classes = [*outer, cls.name]
    markers = inherited.union(_module_markers(cls), *(_marker_names(d) for d in cls.decorator_list))
    cases: list[HiddenTest] = []
    for member in cls.body:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and (
            member.name.startswith("test")
        ):
            cases.append(_case(relative, classes, member, markers))
        elif isinstance(member, ast.ClassDef) and member.name.startswith("Test"):
            cases.extend(_class_tests(relative, classes, member, markers))
    return cases


def _case(
    relative: str,
    classes: list[str],
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    inherited: set[str],
) -> HiddenTest:
    markers = inherited.union(*(_marker_names(d) for d in function.decorator_list))
    node_id = "::".join([relative, *classes, function.name])
    return HiddenTest(node_id=node_id, name=function.name, markers=frozenset(markers))


def _source_text(source: bytes) -> str:
    """The file's text as Python reads it: a byte-order mark or an encoding declaration is
    honoured, and a byte the encoding does not allow is an error even inside a comment
    (``ast.parse`` of bytes would let that pass, importing the file would not)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    return source.decode(encoding)


def _tests_of_file(path: Path, relative: str) -> list[HiddenTest]:
    source = read_bytes(path, ChallengeError, SOURCE_CAP)
    try:
        return _tests_in(parse_python(_source_text(source), filename=str(path)), relative)
    except (SyntaxError, ValueError) as error:  # ValueError: not decodable, or NUL bytes
        raise ChallengeError(f"{path}: the hidden test file does not parse: {error}") from None
    except (RecursionError, MemoryError):
        raise ChallengeError(
            f"{path}: the hidden test file does not parse: an expression is nested too deeply "
            "or is too long for the parser"
        ) from None


def inventory(suite_dir: Path) -> list[HiddenTest]:
    """Every test function in ``test_*.py`` / ``*_test.py`` files below ``suite_dir``; a file
    that cannot be read or parsed is a problem naming it, and every such file is listed."""
    cases: list[HiddenTest] = []
    files = sorted(
        {
            path
            for pattern in ("test_*.py", "*_test.py")  # test_x_test.py matches both: once
            for path in suite_dir.rglob(pattern)
            if "__pycache__" not in path.parts
        }
    )
    problems = Problems()
    for path in files:
        relative = path.relative_to(suite_dir).as_posix()
        cases.extend(problems.collect(_tests_of_file, path, relative) or [])
    problems.raise_any()
    return cases
