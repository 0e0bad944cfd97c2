"""SECURITY.md row 33: the reusable workflow never pastes a candidate's input into a script.

A repository, commit or alias input such as ``x"; touch …`` would run as shell if GitHub
substituted it into a ``run:`` script. The workflow is parsed as YAML and checked: inputs
reach scripts only through ``env:``, the artifact name is built from a value the checking
step sanitised, and that step's own script is run here with hostile values (bash, on this
machine; nothing it is given is ever executed).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOW = Path(__file__).parents[2] / ".github" / "workflows" / "grade.yml"
CANDIDATE_INPUTS = ("repository", "commit", "alias", "challenge")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def host_untouched() -> None:
    """Overrides the directory's engine checks: nothing here starts a container."""


def _steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _expressions(value: object) -> list[str]:
    return [match.strip() for match in EXPRESSION.findall(str(value))]


def test_row_33_no_input_is_pasted_into_a_run_script():
    scripts = [step["run"] for step in _steps() if "run" in step]
    assert scripts
    for script in scripts:
        pasted = [e for e in _expressions(script) if re.search(r"\b(inputs|github\.event)\b", e)]
        assert pasted == [], f"expressions in a run: script: {pasted}"


def test_row_33_candidate_inputs_reach_steps_only_through_env_or_action_inputs():
    for step in _steps():
        for key, value in step.items():
            used = [e for e in _expressions(value)
                    if re.search(rf"\binputs\.({'|'.join(CANDIDATE_INPUTS)})\b", e)]  # fmt: skip
            if not used:
                continue
            assert key in {"env", "with"}, f"{step.get('name')}: {key} uses {used}"
            if key == "with":
                assert step["uses"].startswith("actions/checkout@"), step.get("name")


def test_row_33_the_artifact_name_is_built_from_the_sanitised_value():
    steps = _steps()
    [upload] = [step for step in steps if step.get("uses", "").startswith("actions/upload-art")]
    assert upload["with"]["name"] == "${{ steps.checked.outputs.artifact }}"
    assert "steps.checked.outcome == 'success'" in upload["if"]
    [checked] = [step for step in steps if step.get("id") == "checked"]
    assert steps.index(checked) == 0, "the inputs are checked before anything uses them"
    assert "tr -c 'A-Za-z0-9._-'" in checked["run"]


def _run_check(tmp_path: Path, **inputs: str) -> tuple[int, str]:
    [checked] = [step for step in _steps() if step.get("id") == "checked"]
    output = tmp_path / "github_output"
    output.write_text("")
    values = {"repository": "alice/kv-store", "commit": SHA, "alias": "alice",
              "challenge": "challenges/kv-store", **inputs}  # fmt: skip
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(output)}
    for name, variable in checked["env"].items():
        [expression] = _expressions(variable)
        env[name] = values[expression.removeprefix("inputs.")]
    done = subprocess.run(["bash", "-c", checked["run"]], env=env, capture_output=True,
                          text=True, timeout=30, cwd=tmp_path)  # fmt: skip
    return done.returncode, output.read_text()


def test_row_33_the_checking_step_accepts_good_inputs_and_names_the_artifact(tmp_path):
    code, output = _run_check(tmp_path)
    assert code == 0
    assert output == f"artifact=takehome-alice-{SHA[:12]}\n"


@pytest.mark.parametrize(
    "hostile",
    [
        {"alias": 'x"; touch {marker}; echo "'},
        {"alias": "$(touch {marker})"},
        {"alias": "alice\nartifact=../../evil"},
        {"alias": "../x"},
        {"commit": 'main"; touch {marker}; echo "'},
        {"commit": SHA + "\n"},
        {"repository": "a/b; touch {marker}"},
        {"repository": "a/b\nc/d"},
        {"challenge": "../../../etc"},
        {"challenge": "x`touch {marker}`"},
    ],
)
def test_row_33_the_checking_step_refuses_hostile_inputs(tmp_path, hostile):
    marker = tmp_path / "pwned"
    inputs = {name: value.format(marker=marker) for name, value in hostile.items()}
    code, output = _run_check(tmp_path, **inputs)
    assert code == 1
    assert output == "", "no artifact name from a refused input"
    assert not marker.exists()
