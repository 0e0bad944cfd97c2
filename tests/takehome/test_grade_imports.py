"""What a one-shot `takehome grade` loads before it starts grading: not the libraries of other
commands or of other kinds of submission (each costs start-up time in every CI job)."""

from __future__ import annotations

import subprocess
import sys

NOT_FOR_A_GRADE = ("git", "rich", "numpy", "sqlalchemy", "alembic", "celery", "fastapi", "yaml")


def test_the_grade_command_loads_none_of_the_other_commands_libraries():
    probe = (
        "import sys, takehome.commands.grading; "
        f"print(' '.join(m for m in {NOT_FOR_A_GRADE!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_early_start_of_a_grade_loads_no_models():
    """``grade`` starts its container before pydantic, the challenge models and the graders
    load (runner.sandbox.early): what it imports until then must not pull them in."""
    probe = (
        "import sys, takehome.cli, takehome.commands.grading, runner.sandbox.early, "
        "challenges.location, takehome.environment; "
        "print(' '.join(m for m in ('pydantic', 'challenges.model', 'graders.base') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_pipeline_loads_the_report_renderer_only_to_write_a_grade():
    """jinja2 and the templates load after a one-shot grade has handed its submission over
    (runner/recording.py), not with the pipeline."""
    probe = "import sys, runner.pipeline; print('jinja2' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
