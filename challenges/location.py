"""Where a challenge is: a directory given by path, or a bundled one by its slug.

Apart from the loader (``challenges.load``), which parses and checks what is there, so that a
one-shot grade can find its challenge's run image before the models load
(``runner.sandbox.early``).
"""

from __future__ import annotations

from pathlib import Path

from challenges.errors import ChallengeError
from challenges.files import is_directory

CATALOG = Path(__file__).parent / "catalog"


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def resolve_challenge_dir(slug_or_dir: str) -> Path:
    """A directory path as given, or a bundled challenge by its slug."""
    as_path = Path(slug_or_dir)
    if is_directory(as_path):
        return as_path.resolve()
    bundled = CATALOG / slug_or_dir
    if "/" not in slug_or_dir and is_directory(bundled):
        return bundled
    known = ", ".join(sorted(p.name for p in CATALOG.iterdir() if p.is_dir()))
    raise ChallengeError(
        f"{_shown(slug_or_dir)}: no such challenge directory or bundled challenge "
        f"(bundled: {known})"
    )
