"""The lint grader counts ruff findings with the grader's rules, whatever the candidate does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from graders import ruff_run
from graders.lint import MAX_HOTSPOTS, WORST_FILES, measure_lint

CATALOG = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"
RULES = ["E", "F", "W"]
BROAD = ["E", "F", "W", "B", "UP", "SIM", "RUF", "D", "PL"]
UNUSED = "import os\n"


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_planted_findings_are_counted_by_rule_with_file_and_line(tmp_path):
    _write(tmp_path, "pkg/a.py", "import os\nimport sys\n\nprint(undefined_name)\n")
    _write(tmp_path, "b.py", "x = None\nif x == None:\n    pass\n")
    _write(tmp_path, "clean.py", "print('fine')\n")
    measured = measure_lint(tmp_path, None, RULES)
    assert measured.by_rule == {"E711": 1, "F401": 2, "F821": 1}
    assert (measured.files, measured.findings, measured.errors, measured.warnings) == (3, 4, 3, 1)
    assert [(f.path, f.findings) for f in measured.worst_files] == [("pkg/a.py", 3), ("b.py", 1)]
    assert [(f.path, f.line, f.code) for f in measured.hotspots] == [
        ("pkg/a.py", 1, "F401"),
        ("pkg/a.py", 2, "F401"),
        ("pkg/a.py", 4, "F821"),
        ("b.py", 2, "E711"),
    ]
    assert "undefined_name" in measured.hotspots[2].message
    assert measured.metrics() == {
        "findings": 4.0,
        "errors": 3.0,
        "per_kloc": measured.per_kloc,
        "added_findings": 4.0,
    }


def test_a_syntax_error_is_an_error_not_a_crash(tmp_path):
    _write(tmp_path, "broken.py", "def f(:\n    pass\n")
    measured = measure_lint(tmp_path, None, RULES)
    assert measured.errors == measured.findings >= 1
    assert set(measured.by_rule) == {"invalid-syntax"}


HIDING_CONFIGS = {
    "pyproject.toml": '[tool.ruff]\nexclude = ["*"]\n[tool.ruff.lint]\nignore = ["ALL"]\n'
    'per-file-ignores = { "*" = ["ALL"] }\n',
    "ruff.toml": 'exclude = ["*"]\n[lint]\nignore = ["ALL"]\n',
    ".ruff.toml": 'extend-exclude = ["*.py"]\n[lint]\nselect = []\n',
    ".gitignore": "*.py\n",
    ".ignore": "*.py\n",
}


@pytest.mark.parametrize("config", sorted(HIDING_CONFIGS))
def test_candidate_configuration_cannot_hide_findings(tmp_path, config):
    _write(tmp_path, config, HIDING_CONFIGS[config])
    _write(tmp_path, "pkg/mod.py", UNUSED)
    assert measure_lint(tmp_path, None, RULES).by_rule == {"F401": 1}


@pytest.mark.parametrize(
    "source",
    [
        "import os  # noqa\n",
        "import os  # noqa: F401\n",
        "# ruff: noqa\nimport os\n",
        "# ruff: noqa: F401\nimport os\n",
        "# flake8: noqa\nimport os\n",
    ],
)
def test_suppression_comments_are_ignored(tmp_path, source):
    _write(tmp_path, "mod.py", source)
    assert measure_lint(tmp_path, None, RULES).by_rule == {"F401": 1}


@pytest.mark.parametrize(
    "directory",
    ["build", "dist", ".venv", "venv", "node_modules", "site-packages", "__pycache__", ".git",
     ".tox", "_build", ".hidden"],
)  # fmt: skip
def test_no_directory_name_hides_code(tmp_path, directory):
    _write(tmp_path, f"{directory}/deep/mod.py", UNUSED)
    measured = measure_lint(tmp_path, None, RULES)
    assert [(f.path, f.code) for f in measured.hotspots] == [(f"{directory}/deep/mod.py", "F401")]


def test_per_kloc_is_findings_per_thousand_non_blank_lines(tmp_path):
    body = "".join(f"x{i} = {i}\n\n   \n" for i in range(1497))
    _write(tmp_path, "mod.py", "import os\nimport sys\nimport json\n" + body)
    measured = measure_lint(tmp_path, None, ["F"])
    assert (measured.lines, measured.findings, measured.per_kloc) == (1500, 3, 2.0)


def test_an_empty_tree_has_zero_rate_and_runs_no_ruff(tmp_path, monkeypatch):
    monkeypatch.setattr(ruff_run, "ruff_binary", lambda: pytest.fail("ruff was run"))
    (tmp_path / "README.md").write_text("nothing here\n")
    measured = measure_lint(tmp_path, tmp_path, RULES)
    assert (measured.files, measured.lines, measured.findings, measured.per_kloc) == (0, 0, 0, 0.0)


def test_the_starter_measured_against_itself_adds_nothing():
    measured = measure_lint(CATALOG / "starter", CATALOG / "starter", BROAD)
    assert (measured.files, measured.findings, measured.added_findings) == (0, 0, 0)
    assert measured.starter_findings == 0
    assert measured.added_by_rule == {}
    assert measured.metrics()["added_findings"] == 0


def test_the_reference_solution_against_the_starter_gives_real_deltas():
    starter_alone = measure_lint(CATALOG / "starter", None, BROAD)
    measured = measure_lint(CATALOG / "solution", CATALOG / "starter", BROAD)
    assert starter_alone.findings > 0
    assert measured.files == 1
    assert measured.findings > 0
    assert measured.starter_findings == starter_alone.findings
    assert measured.added_findings == measured.findings - starter_alone.findings
    assert sum(measured.added_by_rule.values()) == measured.added_findings
    assert all(measured.added_by_rule.values())
    assert measured.metrics()["added_findings"] == measured.added_findings


def test_files_identical_to_the_starter_are_not_the_candidates(tmp_path):
    starter, tree = tmp_path / "starter", tmp_path / "tree"
    for root in (starter, tree):
        _write(root, "given.py", "import os\nimport sys\n")
    measured = measure_lint(tree, starter, RULES)
    assert (measured.files, measured.findings, measured.added_findings) == (0, 0, 0)
    _write(tree, "given.py", "import os\nimport sys\n# touched\n")
    measured = measure_lint(tree, starter, RULES)
    assert (measured.files, measured.findings, measured.starter_findings) == (1, 2, 2)
    assert measured.added_findings == 0


def test_fixing_and_deleting_starter_files_counts_as_negative(tmp_path):
    starter, tree = tmp_path / "starter", tmp_path / "tree"
    _write(starter, "fixed.py", "import os\nx = 1\n")
    _write(starter, "deleted.py", "import os\nimport sys\n")
    _write(starter, "kept.py", "import json\n")
    _write(tree, "fixed.py", "x = 1\n")
    _write(tree, "kept.py", "import json\n")
    _write(tree, "new.py", "print(nowhere)\n")
    measured = measure_lint(tree, starter, RULES)
    assert (measured.files, measured.findings, measured.starter_findings) == (2, 1, 3)
    assert measured.added_findings == -2
    assert measured.added_by_rule == {"F401": -3, "F821": 1}
    assert measured.metrics()["added_findings"] == -2


def test_worst_files_and_hotspots_are_capped_worst_first(tmp_path):
    for index in range(WORST_FILES + 2):
        _write(tmp_path, f"m{index:02}.py", f"import os\n{'import sys' if index < 3 else ''}\n")
    _write(tmp_path, "worst.py", "".join(f"import mod{i}\n" for i in range(30)))
    measured = measure_lint(tmp_path, None, ["F401"])
    assert len(measured.worst_files) == WORST_FILES
    assert measured.worst_files[0].path == "worst.py"
    assert [f.findings for f in measured.worst_files[:4]] == [30, 2, 2, 2]
    assert len(measured.hotspots) == MAX_HOTSPOTS
    assert {f.path for f in measured.hotspots} == {"worst.py"}
    assert [f.line for f in measured.hotspots] == list(range(1, MAX_HOTSPOTS + 1))


def test_messages_lose_terminal_escapes(tmp_path):
    _write(tmp_path, "mod.py", 'x = "%\x1b[31m" % (1,)\n')
    measured = measure_lint(tmp_path, None, ["F"])
    assert [f.code for f in measured.hotspots] == ["F509"]
    message = measured.hotspots[0].message
    assert "\x1b" not in message
    assert message.startswith("`%`-format string has unsupported format character")


def test_symlinks_are_not_followed_nor_counted_twice(tmp_path):
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    _write(tree, "real.py", UNUSED)
    _write(outside, "secret.py", "import sys\n")
    (tree / "alias.py").symlink_to("real.py")
    (tree / "out").symlink_to(outside, target_is_directory=True)
    (tree / "loop").symlink_to(".", target_is_directory=True)
    (tree / "sub").mkdir()
    (tree / "sub" / "up").symlink_to("..", target_is_directory=True)
    measured = measure_lint(tree, None, RULES)
    assert (measured.files, measured.findings) == (1, 1)
    assert [f.path for f in measured.hotspots] == ["real.py"]


def test_awkward_file_names_are_linted_and_shown_safely(tmp_path):
    _write(tmp_path, "-rf.py", UNUSED)
    _write(tmp_path, "new\nline.py", UNUSED)
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_text(UNUSED)
    measured = measure_lint(tmp_path, None, RULES)
    assert measured.findings == 3
    assert sorted(f.path for f in measured.worst_files) == ["-rf.py", "bad\ufffd.py", "new?line.py"]
    measured.model_dump_json()


def test_an_unknown_rule_is_a_one_line_runtime_error(tmp_path):
    _write(tmp_path, "mod.py", UNUSED)
    with pytest.raises(RuntimeError, match=r"^ruff failed \(exit 2\): .*NOPE999") as caught:
        measure_lint(tmp_path, None, ["NOPE999"])
    assert "\n" not in str(caught.value)


def test_a_hung_ruff_is_a_runtime_error(tmp_path, monkeypatch):
    def hang(command: list[str], **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(command, 60)

    monkeypatch.setattr(ruff_run.subprocess, "run", hang)
    _write(tmp_path, "mod.py", UNUSED)
    with pytest.raises(RuntimeError, match="did not finish within 60 s"):
        measure_lint(tmp_path, None, RULES)


def test_no_rules_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        measure_lint(tmp_path, None, [])


def test_a_starter_edited_between_submissions_is_measured_again(tmp_path):
    starter, tree = tmp_path / "starter", tmp_path / "tree"
    _write(starter, "given.py", "import os\n")
    _write(tree, "given.py", "x = 1\n")
    assert measure_lint(tree, starter, RULES).starter_findings == 1
    assert measure_lint(tree, starter, RULES).starter_findings == 1  # kept from the first
    _write(starter, "given.py", "import os\nimport sys\nimport json\n")
    assert measure_lint(tree, starter, RULES).starter_findings == 3
    assert measure_lint(tree, starter, ["E"]).starter_findings == 0  # other rules, other figures


DEEP = "x = " + "+".join(["1"] * 100_000) + "\n"
"""A 100,000-term expression: ruff's parser overflows its stack on it."""


def test_the_untouched_starter_has_nothing_written_and_says_so():
    measured = measure_lint(CATALOG / "starter", CATALOG / "starter", BROAD)
    assert measured.nothing_written == (
        "nothing to measure: every Python file is the starter's, unchanged"
    )
    assert measure_lint(CATALOG / "solution", CATALOG / "starter", BROAD).nothing_written is None


def test_a_file_ruff_crashes_on_is_named_and_the_rest_still_linted(tmp_path):
    _write(tmp_path, "pkg/deep.py", DEEP)
    _write(tmp_path, "ok.py", UNUSED)
    (tmp_path / os.fsdecode(b"bad\xff.py")).write_text(DEEP)
    measured = measure_lint(tmp_path, None, RULES)
    assert [(f.path, f.code) for f in measured.hotspots] == [("ok.py", "F401")]
    assert [f.path for f in measured.unlinted] == ["bad\ufffd.py", "pkg/deep.py"]
    assert measured.unlinted_count == 2
    assert all(f.reason.startswith("ruff crashed") for f in measured.unlinted)
    assert measured.unmeasured() == (
        f"ruff could not lint bad\ufffd.py ({measured.unlinted[0].reason}) and 1 more file(s)"
    )
    measured.model_dump_json()


def test_a_file_ruff_cannot_read_is_named_whatever_the_rules(tmp_path):
    _write(tmp_path, "ok.py", UNUSED)
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    measured = measure_lint(tmp_path, None, ["F"])
    assert [(f.path, f.reason) for f in measured.unlinted] == [
        ("latin.py", "ruff could not read it: stream did not contain valid UTF-8")
    ]
    assert (measured.findings, measured.by_rule) == (1, {"F401": 1})


def test_a_starter_file_ruff_crashes_on_costs_the_candidate_nothing(tmp_path):
    starter, tree = tmp_path / "starter", tmp_path / "tree"
    _write(starter, "given.py", DEEP)
    _write(tree, "given.py", "import os\n")
    measured = measure_lint(tree, starter, RULES)
    assert (measured.findings, measured.starter_findings, measured.unlinted) == (1, 0, [])
