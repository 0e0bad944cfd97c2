"""Time of the lint, complexity and history graders on a 10,000-line submission.

Generates a realistic-looking submission (100 modules of classes, branches, loops and
docstrings, 10,000 lines in all) committed in 50 commits, fetches it the way intake does,
and times each grader on it (median of 5). Target: under 2 s for the three together.

    .venv/bin/python benchmarks/measure.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from challenges.load import CATALOG
from graders.complexity import measure_complexity
from graders.history.commits import measure_history
from graders.history.time_window import TimeWindow
from graders.lint import measure_lint

MODULES = 100
ROUNDS = 5


def module_source(number: int) -> str:
    """About 100 lines of ordinary Python with a few lint findings and some branching."""
    lines = [f'"""Module {number}: generated for the benchmark."""', "import os", "import json", ""]
    for cls in range(3):
        lines += [f"class Handler{number}_{cls}:", '    """Handles things."""', "",
                  "    def __init__(self, limit=10):", "        self.limit = limit",
                  "        self.items = []", ""]  # fmt: skip
        for method in range(4):
            lines += [
                f"    def step_{method}(self, value):",
                f'        """Step {method}."""',
                "        total = 0",
                "        for item in self.items:",
                "            if item > value:",
                "                total += item",
                "            elif item == value:",
                "                total -= 1",
                "            else:",
                "                unused = item * 2",
                "        return total",
                "",
            ]
    while len(lines) < 100:
        lines.append(f"CONSTANT_{len(lines)} = {len(lines)}")
    return "\n".join(lines[:100]) + "\n"


def make_repo(root: Path) -> tuple[Path, str]:
    repo = root / "submission"
    repo.mkdir()
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root),
           "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], env=env, check=True)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for commit in range(50):
        for number in range(commit * 2, commit * 2 + 2):
            (repo / f"module_{number:03d}.py").write_text(module_source(number))
        when = (start + timedelta(minutes=5 * commit)).isoformat()
        stamp = {**env, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run(["git", "-C", str(repo), "add", "-A"], env=stamp, check=True)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", f"step {commit}"],
                       env=stamp, check=True)  # fmt: skip
    bare = root / "fetched.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(bare)], env=env, check=True)
    head = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "HEAD"], env=env,
                          check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    shutil.rmtree(repo / ".git")
    return repo, head


def timed(action: object) -> float:
    runs = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
    try:
        tree, head = make_repo(root)
        lines = sum(len(p.read_text().splitlines()) for p in tree.glob("*.py"))
        starter = CATALOG / "kv-store" / "starter"
        select = ["E", "F", "W", "B", "SIM", "UP", "C4", "RET", "PIE"]
        window = TimeWindow(start=None, length_seconds=4 * 3600, deadline=None)
        lint = timed(lambda: measure_lint(tree, starter, select))
        complexity = timed(lambda: measure_complexity(tree, starter, 10))
        history = timed(lambda: measure_history(root / "fetched.git", head, window))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = lint + complexity + history
    print(f"measure.py: {lines} lines in {MODULES} files, 50 commits, median of {ROUNDS}: "
          f"lint {lint:.3f}s, complexity {complexity:.3f}s, history {history:.3f}s, "
          f"together {total:.3f}s (target < 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()
