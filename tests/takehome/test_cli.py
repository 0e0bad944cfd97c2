"""The ``takehome`` command as a user runs it: a real process, its exit code and its output."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from challenges.base_error import TakehomeError
from reports.scorecard import load_scorecard
from runner.store.runs import Store
from takehome.cli import cli
from takehome.errors import run_guarded
from takehome.schemas import SCHEMAS, schema_json
from takehome.settings import Settings

ROOT = Path(__file__).parents[2]
KV = ROOT / "challenges" / "catalog" / "kv-store"


def takehome(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "takehome", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        timeout=300,
    )


def _one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group of the CLI, found in the click tree (none can be forgotten)."""
    found = [path]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    assert command is not None
    return command


def test_the_cli_has_the_commands_the_readme_documents():
    names = {" ".join(path) for path in _commands(cli)}
    readme = (ROOT / "README.md").read_text()
    documented_commands = ("grade", "batch", "review", "scorecard finalize", "serve", "invite",
                           "reviewer add")  # fmt: skip
    for documented in documented_commands:
        assert documented in names
        assert f"takehome {documented}" in readme


def test_the_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"`TAKEHOME_{name.upper()}`" in readme, name


@pytest.mark.parametrize("path", _commands(cli), ids=lambda path: " ".join(path) or "takehome")
def test_every_command_has_help_naming_its_arguments_and_options(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    command = _command(path)
    for parameter in command.params:
        if isinstance(parameter, click.Argument):
            shown = parameter.human_readable_name.upper()
            if isinstance(parameter.type, click.Choice):
                shown = "{" + "|".join(map(str, parameter.type.choices)) + "}"
            assert shown in result.output
        else:
            assert parameter.opts[0] in result.output
        if isinstance(parameter, click.Option) and not parameter.hidden:
            assert parameter.help, f"{' '.join(path)} {parameter.opts[0]}: no help text"


def test_version():
    result = takehome("--version")
    assert result.returncode == 0
    assert "version" in result.stdout


def test_validate_reports_what_the_challenge_holds():
    result = takehome("challenge", "validate", "kv-store")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kv-store 1.0.0: ok")
    assert "tripwire test_tripwire.py::test_tripwire" in result.stdout


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    copy = tmp_path / "challenge"
    shutil.copytree(KV, copy)
    path = copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return copy


def test_validate_bad_toml_names_the_file_and_line(tmp_path):
    copy = _broken_copy(tmp_path, "challenge.toml", 'version = "1.0.0"', 'version = "1.0.0')
    line = _one_error_line(takehome("challenge", "validate", str(copy)))
    assert f"{copy}/challenge.toml: invalid TOML" in line
    assert "line" in line


def test_validate_bad_duration_names_the_field(tmp_path):
    copy = _broken_copy(
        tmp_path, "challenge.toml", 'wall_timeout = "30s"', 'wall_timeout = "30 seconds"'
    )
    result = takehome("challenge", "validate", str(copy))
    assert result.returncode == 1
    assert "limits.wall_timeout" in _one_error_line(result)


def test_grade_with_a_missing_challenge_is_bad_input():
    result = takehome("grade", str(KV / "solution"), "--challenge", "no-such-challenge")
    assert result.returncode == 1
    assert "no-such-challenge" in _one_error_line(result)


def test_grade_without_challenge_is_a_usage_error():
    result = takehome("grade", str(KV / "solution"))
    assert result.returncode == 2
    assert "Missing option '--challenge'" in result.stderr


def test_bad_setting_is_named():
    result = takehome(
        "grade", "x", "--challenge", "kv-store", env={"TAKEHOME_DOCKER_TIMEOUT": "soon"}
    )
    assert result.returncode == 1
    assert "TAKEHOME_DOCKER_TIMEOUT" in _one_error_line(result)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schemas_match_the_models(name):
    result = takehome("schema", name)
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"]
    published = ROOT / "docs" / "schemas" / f"{name}.schema.json"
    assert published.read_text() == schema_json(name), f"regenerate {published}"


def test_unexpected_errors_exit_3_with_a_log_file(capsys):
    def bug() -> None:
        raise ZeroDivisionError("division by zero")

    assert run_guarded(bug) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith("internal error: ZeroDivisionError")
    log = Path(err.rsplit("details in ", 1)[1].rstrip(")"))
    assert "Traceback" in log.read_text()
    log.unlink()


def test_expected_errors_exit_1_with_one_line(capsys):
    def bad() -> None:
        raise TakehomeError("rubric.toml: criteria.core: weights\nbad")

    assert run_guarded(bad) == 1
    assert capsys.readouterr().err == "error: rubric.toml: criteria.core: weights bad\n"


@pytest.mark.docker
def test_grade_writes_reports_and_prints_a_summary(tmp_path):
    result = takehome(
        "grade", str(KV / "solution"), "--challenge", "kv-store", "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("solution: passed (all 49 tests passed); tests 49/49; 85/85")
    assert sorted(p.name for p in (tmp_path / "solution").iterdir()) == [
        "report.html",
        "report.md",
        "scorecard.json",
        "source.json",  # the graded files, for the review app's code view
    ]
    data = Path(os.environ["XDG_DATA_HOME"]) / "takehome"
    assert not (data / "takehome.db").exists()  # a one-shot grade makes no database
    again = takehome(
        "grade", str(KV / "solution"), "--challenge", "kv-store", "--out", str(tmp_path)
    )
    assert again.returncode == 0, again.stderr
    assert not (data / "takehome.db").exists()  # nor does asking whether the last was reviewed


@pytest.mark.docker
def test_a_grade_lands_in_the_review_apps_store_with_its_source(tmp_path):
    url = f"sqlite:///{tmp_path / 'review.db'}"
    result = takehome("grade", str(KV / "solution"), "--challenge", "kv-store", "--out",
                      str(tmp_path / "out"), env={"TAKEHOME_DATABASE_URL": url})  # fmt: skip
    assert result.returncode == 0, result.stderr
    with Store.open(url) as store:
        assert store.count("scorecards") == 1
        (found,) = store.progress()
        source = store.source_of(found.scorecard_id)
    assert source is not None
    assert '"path":"kvstore.py"' in source


@pytest.mark.docker
def test_grade_json_prints_the_scorecard(tmp_path):
    result = takehome(
        "grade",
        str(KV / "starter"),
        "--challenge",
        "kv-store",
        "--out",
        str(tmp_path),
        "--json",
        "--id",
        "cand-1",
    )
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["submission"]["id"] == "cand-1"
    assert card["outcome"] == "test_failures"
    assert (tmp_path / "cand-1" / "scorecard.json").is_file()


@pytest.mark.docker
def test_grade_unknown_ref_is_bad_input(tmp_path, make_repo):
    repo = make_repo(KV / "solution")
    result = takehome(
        "grade", str(repo), "--challenge", "kv-store", "--ref", "v9", "--out", str(tmp_path)
    )
    assert result.returncode == 1
    assert "couldn't find remote ref v9" in _one_error_line(result)


@pytest.mark.docker
def test_grade_unreachable_url_is_bad_input(tmp_path):
    with socket.socket() as probe:  # a loopback port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = takehome(
        "grade",
        f"git://127.0.0.1:{port}/candidate.git",
        "--challenge",
        "kv-store",
        "--out",
        str(tmp_path),
        env={"TAKEHOME_TRUSTED_GIT_HOSTS": f"127.0.0.1:{port}"},
    )
    assert result.returncode == 1
    line = _one_error_line(result)
    assert f"127.0.0.1:{port}" in line


@pytest.mark.docker
def test_grade_refuses_a_private_address_before_git_runs(tmp_path):
    result = takehome(
        "grade", "https://10.1.2.3/candidate.git", "--challenge", "kv-store", "--out", str(tmp_path)
    )
    assert result.returncode == 1
    assert "not allowed" in _one_error_line(result)


def _review_files(tmp_path: Path, ratings: dict[str, int]) -> Path:
    path = tmp_path / "ratings.yaml"
    lines = ["ratings:"] + [
        f"  {row}: {{level: {level}, justification: because {level}}}"
        for row, level in ratings.items()
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.docker
def test_review_complete_finalize_export_and_regrade_from_the_command_line(tmp_path):
    out = tmp_path / "out"
    graded = takehome("grade", str(KV / "solution"), "--challenge", "kv-store", "--out", str(out))
    assert graded.returncode == 0, graded.stderr
    card = out / "solution" / "scorecard.json"
    interactive = subprocess.run(
        [sys.executable, "-m", "takehome", "review", str(card), "--reviewer", "ana"],
        input="3\nclear modules\n2\nthin README\n4\nexplains trade-offs\n1\nno tests\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert interactive.returncode == 0, interactive.stderr
    assert "How well-organised is the code?" in interactive.stdout
    ratings = _review_files(
        tmp_path,
        {"organisation": 3, "documentation": 4, "design_reasoning": 4, "testing_habits": 2},
    )
    completed = takehome(
        "scorecard", "complete", str(card), "--reviewer", "ben", "--ratings", str(ratings)
    )
    assert completed.returncode == 0, completed.stderr
    again = takehome(
        "scorecard", "complete", str(card), "--reviewer", "ben", "--ratings", str(ratings)
    )
    assert again.returncode == 1
    assert "ben has already rated" in _one_error_line(again)
    final = takehome(
        "scorecard",
        "finalize",
        str(card),
        "--recommendation",
        "yes",
        "--reason",
        "strong tests, thin docs",
        "--by",
        "hm",
    )
    assert final.returncode == 0, final.stderr
    assert "complete" in final.stdout
    assert "1 disagreement(s)" in final.stdout  # documentation: 2 vs 4
    gradescope = takehome("export", "gradescope", str(card), "--challenge", "kv-store")
    assert json.loads(gradescope.stdout)["score"] == load_scorecard(card).score  # every row
    exported = takehome("export", "csv", str(card), "--out", str(tmp_path / "cohort.csv"))
    assert exported.returncode == 0
    assert "recommendation" in (tmp_path / "cohort.csv").read_text().splitlines()[0]
    reproduced = takehome("regrade", str(card), "--out", str(tmp_path / "again"))
    assert reproduced.returncode == 0, reproduced.stderr
    assert reproduced.stdout.strip() == "solution: reproduced, nothing changed"
    changed = tmp_path / "kv-store"
    shutil.copytree(KV, changed)
    core = changed / "tests" / "test_core.py"
    failing_first = "\ndef test_x():\n    assert False\n\n\ndef test_"
    core.write_text(core.read_text().replace("\ndef test_", failing_first, 1))
    regraded = takehome(
        "regrade", str(card), "--challenge", str(changed), "--out", str(tmp_path / "changed")
    )
    assert regraded.returncode == 0, regraded.stderr
    assert "solution: hidden suite:" in regraded.stdout
    assert "solution: row core:" in regraded.stdout


@pytest.mark.parametrize(
    "bad", ["../x", "..", "/tmp/takehome-abs-id", "a\nb", "x" * 300, "index.html"]
)
def test_grade_refuses_an_id_that_would_become_a_path_outside_out(tmp_path, bad):
    out = tmp_path / "deep" / "out"
    out.parent.mkdir()
    result = takehome("grade", str(KV / "solution"), "--challenge", "kv-store", "--id", bad,
                      "--out", str(out))  # fmt: skip
    assert result.returncode == 1
    line = _one_error_line(result)
    assert line.startswith("error: --id: ")
    assert repr(bad[:70]) in line
    assert [p.name for p in tmp_path.rglob("*")] == ["deep"], "nothing written anywhere"
    assert not Path("/tmp/takehome-abs-id").exists()


def test_the_group_imports_no_command_until_it_runs():
    """``takehome --version`` (and a CI job's one-shot grade) must not pay for the web server,
    the store or the queue: building the group imports none of them."""
    heavy = ("docker", "sqlalchemy", "fastapi", "celery", "uvicorn", "takehome.commands")
    probe = (
        "import sys, takehome.cli; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} "
        f"or m.startswith('takehome.commands')))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    assert loaded.strip() == "[]"


@pytest.mark.parametrize("submission", ["", "   "])
def test_an_empty_submission_is_a_usage_error_not_the_current_directory(submission, tmp_path):
    result = takehome("grade", submission, "--challenge", "kv-store", "--out", str(tmp_path),
                      cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert "SUBMISSION': is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_worker_whose_broker_is_down_says_so_in_one_line_and_stops():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = takehome("worker", env={"TAKEHOME_BROKER_URL": f"redis://127.0.0.1:{port}/0"})
    assert result.returncode == 1
    line = _one_error_line(result)
    assert f"the broker redis://127.0.0.1:{port}/0 cannot be reached" in line.replace(":**@", "")
