"""The complexity grader finds the tangled functions and hard-to-maintain files, never crashing."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit
from radon.metrics import mi_visit

from graders.complexity import MAX_HOTSPOTS, measure_complexity

CATALOG = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"


def _write(root: Path, relative: str, text: str | bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


def _chain(name: str, branches: int) -> list[str]:
    """A function that is one if/elif chain of ``branches`` arms: complexity branches + 1."""
    lines = [f"def {name}(x):"]
    for i in range(branches):
        lines += [f"    {'if' if i == 0 else 'elif'} x == {i}:", f"        return {i} * x + {i}"]
    return [*lines, "    return -1", "", ""]


def _heavy(arms: int) -> str:
    """A function whose maintainability index falls as ``arms`` grows (A at 10, B at 40, C at
    50)."""
    lines = ["def heavy(a, b, c):"]
    for i in range(arms):
        lines += [
            f"    if a > {i} and b < {i} or c == {i}:",
            f"        a = a * {i} + b / (c + {i}) - a ** 2 % 7",
        ]
    return "\n".join([*lines, "    return a", ""])


def test_a_forty_branch_function_is_the_first_hotspot_ranked_f(tmp_path):
    lines = ["def small(a):", "    return a", "", "", "def medium(a):"]
    lines += [f"    if a == {i}:\n        a += 1" for i in range(11)]
    lines += ["    return a", "", ""]
    text = "\n".join(lines + _chain("branchy", 40))
    line = text.splitlines().index("def branchy(x):") + 1
    _write(tmp_path, "pkg/branchy.py", text)
    _write(tmp_path, "other.py", "\n".join(_chain("fine", 3)))
    measured = measure_complexity(tmp_path, None)
    top = measured.hotspots[0]
    assert (top.path, top.name, top.line, top.rank) == ("pkg/branchy.py", "branchy", line, "F")
    assert top.cc >= 40
    assert (measured.max_cc, measured.worst_rank) == (top.cc, "F")
    assert [f.name for f in measured.hotspots] == ["branchy", "medium", "fine", "small"]
    assert measured.over_threshold == 2
    assert measure_complexity(tmp_path, None, threshold=40).over_threshold == 1
    assert measured.functions == 4
    assert measured.mean_cc == round((top.cc + 12 + 4 + 1) / 4, 2)
    assert measured.metrics()["max_cc"] == top.cc


def test_methods_closures_and_inner_classes_are_named_in_full(tmp_path):
    source = (
        "class Store:\n"
        "    def get(self, key):\n"
        "        def helper():\n"
        "            return key\n"
        "        return helper()\n"
        "\n"
        "    class Entry:\n"
        "        def live(self):\n"
        "            return True\n"
        "\n"
        "\n"
        "async def fetch():\n"
        "    return 1\n"
    )
    _write(tmp_path, "store.py", source)
    measured = measure_complexity(tmp_path, None)
    names = sorted((f.name, f.line) for f in measured.hotspots)
    assert names == [
        ("Store.Entry.live", 8),
        ("Store.get", 2),
        ("Store.get.helper", 3),
        ("fetch", 12),
    ]
    assert measured.functions == 4


def test_hotspots_are_capped_most_complex_first(tmp_path):
    lines: list[str] = []
    for index in range(MAX_HOTSPOTS + 5):
        lines += _chain(f"f{index:02}", index)
    _write(tmp_path, "many.py", "\n".join(lines))
    measured = measure_complexity(tmp_path, None)
    assert measured.functions == MAX_HOTSPOTS + 5
    assert len(measured.hotspots) == MAX_HOTSPOTS
    assert [f.cc for f in measured.hotspots] == list(range(MAX_HOTSPOTS + 5, 5, -1))


def test_maintainability_is_ranked_lowest_first(tmp_path):
    _write(tmp_path, "simple.py", _heavy(10))
    _write(tmp_path, "middling.py", _heavy(40))
    _write(tmp_path, "tangled.py", _heavy(50))
    measured = measure_complexity(tmp_path, None)
    ranked = [(f.path, f.rank) for f in measured.maintainability]
    assert ranked == [("tangled.py", "C"), ("middling.py", "B"), ("simple.py", "A")]
    mis = [f.mi for f in measured.maintainability]
    assert mis == sorted(mis)
    assert mis[0] <= 9 < mis[1] <= 19 < mis[2]
    assert measured.min_mi == mis[0]
    assert measured.mean_mi == round(sum(mis) / 3, 2)


def test_figures_are_radons_own(tmp_path):
    source = (CATALOG / "solution" / "kvstore.py").read_text()
    _write(tmp_path, "kvstore.py", source)
    measured = measure_complexity(tmp_path, None)
    assert measured.maintainability[0].mi == round(mi_visit(source, True), 2)
    radon = {b.fullname: b.complexity for b in cc_visit(source) if not hasattr(b, "methods")}
    assert {f.name: f.cc for f in measured.hotspots} == dict(
        sorted(radon.items(), key=lambda item: -item[1])[:MAX_HOTSPOTS]
    )
    assert measured.functions == len(radon)


def test_raw_sizes_and_comment_ratio(tmp_path):
    source = '"""Doc\nstring."""\n\n# a comment\nx = 1  # inline\n\n\ny = 2\n'
    _write(tmp_path, "mod.py", source)
    raw = measure_complexity(tmp_path, None).raw
    assert (raw.loc, raw.lloc, raw.sloc, raw.blank) == (8, 3, 2, 3)
    assert (raw.comments, raw.multi) == (2, 2)
    assert raw.comment_ratio == 2.0


def test_unparsable_files_are_listed_not_fatal(tmp_path):
    _write(tmp_path, "broken.py", "def f(:\n    pass\n")
    _write(tmp_path, "latin.py", b"x = '\xff\xfe'\n")
    _write(tmp_path, "nul.py", b"x = 1\x00\n")
    _write(tmp_path, "cookie.py", b"# -*- coding: nonesuch -*-\nx = 1\n")
    _write(tmp_path, "deep.py", "x = " + "(" * 500 + "1" + ")" * 500 + "\n")
    _write(tmp_path, "fine.py", "def ok():\n    return 1\n")
    _write(tmp_path, "latin1.py", b"# -*- coding: latin-1 -*-\ndef caf\xe9():\n    return 1\n")
    measured = measure_complexity(tmp_path, None)
    assert measured.unparsable == ["broken.py", "cookie.py", "deep.py", "latin.py", "nul.py"]
    assert measured.files == 7
    assert sorted(f.name for f in measured.hotspots) == ["café", "ok"]
    assert [f.path for f in measured.maintainability] == ["fine.py", "latin1.py"]


def test_an_empty_tree_has_neutral_figures(tmp_path):
    measured = measure_complexity(tmp_path, None)
    assert (measured.files, measured.functions, measured.max_cc) == (0, 0, 0)
    assert measured.worst_rank is None
    assert measured.metrics() == {
        "mean_cc": 0.0, "max_cc": 0.0, "over_threshold": 0.0, "min_mi": 100.0,
        "mean_mi": 100.0, "lloc": 0.0,
    }  # fmt: skip


def test_the_starter_measured_against_itself_has_zero_deltas():
    measured = measure_complexity(CATALOG / "starter", CATALOG / "starter")
    assert (measured.delta_lloc, measured.delta_functions, measured.delta_max_cc) == (0, 0, 0)
    assert measured.files == 0


def test_the_reference_solution_against_the_starter_gives_real_deltas():
    solution = measure_complexity(CATALOG / "solution", None)
    starter = measure_complexity(CATALOG / "starter", None)
    measured = measure_complexity(CATALOG / "solution", CATALOG / "starter")
    assert measured.delta_lloc == solution.raw.lloc - starter.raw.lloc > 0
    assert measured.delta_functions == solution.functions - starter.functions > 0
    assert measured.delta_max_cc == solution.max_cc - starter.max_cc > 0
    assert solution.delta_lloc is None
    assert measured.metrics()["lloc"] == solution.raw.lloc


def test_files_identical_to_the_starter_are_not_measured(tmp_path):
    starter, tree = tmp_path / "starter", tmp_path / "tree"
    given = "\n".join(_chain("given", 12))
    _write(starter, "given.py", given)
    _write(tree, "given.py", given)
    _write(tree, "mine.py", "def mine():\n    return 1\n")
    measured = measure_complexity(tree, starter)
    assert [f.name for f in measured.hotspots] == ["mine"]
    assert (measured.files, measured.over_threshold) == (1, 0)
    assert (measured.delta_functions, measured.delta_max_cc) == (1, 1)


def test_symlinks_do_not_hang_or_double_count(tmp_path):
    _write(tmp_path, "real.py", "def real():\n    return 1\n")
    (tmp_path / "alias.py").symlink_to("real.py")
    (tmp_path / "loop").symlink_to(".", target_is_directory=True)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)
    measured = measure_complexity(tmp_path, None)
    assert (measured.files, measured.functions) == (1, 1)


def test_the_untouched_starter_has_nothing_written_and_says_so():
    measured = measure_complexity(CATALOG / "starter", CATALOG / "starter")
    assert measured.nothing_written == (
        "nothing to measure: every Python file is the starter's, unchanged"
    )
    assert measured.max_cc == 0  # which would read as "simple" without the verdict
    assert measure_complexity(CATALOG / "solution", CATALOG / "starter").nothing_written is None


def test_files_radon_chokes_on_are_named_and_never_fatal(tmp_path):
    _write(tmp_path, "deep.py", "x = " + "+".join(["1"] * 100_000) + "\n")
    _write(tmp_path, "nested.py", "x = " + "+".join(["1"] * 2_000) + "\n")
    _write(tmp_path, b"bad\xff.py".decode("utf-8", "surrogateescape"), "def (:\n")
    _write(tmp_path, "fine.py", "def fine():\n    return 1\n")
    measured = measure_complexity(tmp_path, None)
    assert sorted(measured.unparsable) == ["bad\ufffd.py", "deep.py", "nested.py"]
    assert [f.name for f in measured.hotspots] == ["fine"]
    assert (
        measured.unmeasured()
        == f"radon could not parse {measured.unparsable[0]} and 2 more file(s)"
    )
    measured.model_dump_json()
