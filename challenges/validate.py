"""``challenge validate``: everything the README promises, every problem in one error.

Loading checks what a run needs; validating also checks what an author ships beside it: the
spec candidates receive, the starter, the reference solution and each sample's expectations.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from challenges.errors import ChallengeError, Problems
from challenges.files import CONFIG_CAP, is_directory, read_text
from challenges.load import Challenge, check_challenge, resolve_challenge_dir
from challenges.samples import declared_samples

REQUIRED_DIRS = {
    "starter": "the starter code given to candidates",
    "solution": "the reference solution",
}


def _check_layout(root: Path, problems: Problems) -> None:
    problems.collect(read_text, root / "spec.md", ChallengeError, CONFIG_CAP)
    for name, what in REQUIRED_DIRS.items():
        if not is_directory(root / name):
            problems.add(f"{root / name}: missing: the directory of {what}")


def validate_challenge(slug_or_dir: str | Path, available_sources: Collection[str]) -> Challenge:
    """Load ``slug_or_dir`` as a run would and check its spec, starter, solution and samples;
    raise one ChallengeError listing every problem found."""
    root = resolve_challenge_dir(str(slug_or_dir))
    problems = Problems()
    _check_layout(root, problems)
    challenge = check_challenge(root, available_sources, problems)
    problems.collect(declared_samples, root)
    problems.raise_any()
    if challenge is None:  # pragma: no cover - every path to None records a problem
        raise ChallengeError(f"{root}: the challenge could not be loaded")
    return challenge
