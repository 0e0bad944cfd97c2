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
