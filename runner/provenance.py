"""Versions of everything that can change a grade, recorded on each scorecard."""

from __future__ import annotations

import platform
import subprocess
from functools import cache
from importlib import metadata


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def host_tool_versions() -> dict[str, str]:
    """Versions on the grading host; cached because they do not change within a process."""
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False)
    return {
        "takehome": _package("takehome"),
        "host-python": platform.python_version(),
        "docker-sdk": _package("docker"),
        "git": git.stdout.strip().removeprefix("git version ") or "unknown",
    }
