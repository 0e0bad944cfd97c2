"""The files a candidate was given (the starter and the challenge's ``handout/``), as one
directory the measuring graders compare a submission with.

A challenge without a ``handout/`` uses its ``starter/`` as it is. With one, the two are
merged once per process into a private temporary directory (removed at exit): a file the
candidate received read-only and handed back unchanged is not their work, whichever of the two
folders it came from.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from challenges.handout import given_files


def given_tree(challenge_root: Path, suite_dir: str = "tests") -> Path | None:
    starter = challenge_root / "starter"
    if not (challenge_root / "handout").is_dir():
        return starter if starter.is_dir() else None
    return _merged(challenge_root, suite_dir)


@cache
def _merged(challenge_root: Path, suite_dir: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="takehome-given-"))
    atexit.register(shutil.rmtree, directory, True)
    for item in given_files(challenge_root, suite_dir):
        target = directory / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)  # compared by content: modes do not matter here
    return directory
