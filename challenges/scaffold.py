"""``takehome challenge new``: a new challenge directory that validates and checks as created.

The files (``scaffold_files``) are a small but complete challenge: settings, a rubric with
automatic and human rows and commented anchors, a spec, a starter, a visible example handed out
beside it (``handout/``), a reference solution, a hidden suite with its tripwire and one sample
with its expected score. The directory is written beside its final name and renamed into
place, so a failure leaves nothing half-made.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from challenges import scaffold_files as text
from challenges.errors import ChallengeError

FILES = {
    "challenge.toml": text.CHALLENGE_TOML,
    "rubric.toml": text.RUBRIC_TOML,
    "spec.md": text.SPEC_MD,
    "starter/wordfreq.py": text.STARTER_CODE,
    "starter/README.md": text.STARTER_README,
    "handout/test_examples.py": text.HANDOUT_TEST,
    "solution/wordfreq.py": text.SOLUTION_CODE,
    "samples/most_common/wordfreq.py": text.SAMPLE_CODE,
    "samples/most_common/expected.toml": text.SAMPLE_EXPECTED,
    "tests/test_core.py": text.TESTS_CORE,
    "tests/test_edge.py": text.TESTS_EDGE,
    "tests/test_tripwire.py": text.TRIPWIRE,
}
"""Every file of a new challenge, by its path in the challenge directory."""

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}", re.ASCII)
"""The ``id`` of challenge.toml: lower-case letters, digits and '-'."""


def _shown(text: str) -> str:
    return repr(text if len(text) <= 70 else text[:67] + "...")


def check_slug(slug: str) -> str:
    """``slug`` when it can be a challenge id and a directory name; a one-line error if not."""
    if not SLUG.fullmatch(slug):
        raise ChallengeError(
            f"{_shown(slug)}: not a challenge slug: use lower-case letters, digits and '-', "
            "starting with a letter or digit, at most 63 characters (e.g. word-count)"
        )
    return slug


def title_of(slug: str) -> str:
    """A first title from the slug (``word-count`` -> ``Word count``)."""
    return slug.replace("-", " ").capitalize()


def render(template: str, slug: str, title: str) -> str:
    return template.replace("{slug}", slug).replace("{title}", title)


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def new_challenge(slug: str, parent: Path) -> Path:
    """Write a new challenge ``parent/slug`` and return its path; refuse an existing one."""
    check_slug(slug)
    target = parent / slug
    if os.path.lexists(target):
        raise ChallengeError(f"{target}: already exists: choose another slug or --dir")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{slug}.", dir=parent))
    except OSError as error:
        raise ChallengeError(
            f"{parent}: cannot create the challenge here: {_reason(error)}"
        ) from None
    try:
        for relative, template in FILES.items():
            path = scratch / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(template, slug, title_of(slug)), encoding="utf-8")
        for folder in (scratch, *(p for p in scratch.rglob("*") if p.is_dir())):
            folder.chmod(0o755)  # mkdtemp makes 0o700: a challenge is read by other users
        os.rename(scratch, target)
    except OSError as error:
        raise ChallengeError(f"{target}: cannot be written: {_reason(error)}") from None
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target
