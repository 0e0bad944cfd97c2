"""The challenge a scorecard belongs to, for the commands that need its files (``feedback``
for its feedback policy, ``export gradescope`` for its visible tests).

``--challenge`` wins when given; without it, the scorecard names its challenge
(``challenge.id``) and that is looked up among the bundled challenges only, never as a path:
a scorecard is a file that travels, and what it says must not make a command read a
directory it names.
"""

from __future__ import annotations

import re
from pathlib import Path

from challenges.base_error import TakehomeError
from challenges.files import is_directory
from challenges.load import CATALOG, Challenge
from reports.scorecard import Scorecard
from takehome import wiring

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def challenge_of(card: Scorecard, challenge_ref: str | None, scorecard_path: Path) -> Challenge:
    """``challenge_ref`` loaded, else the bundled challenge the scorecard names."""
    if challenge_ref is not None:
        return wiring.challenge(challenge_ref)
    slug = card.challenge.id
    if not _SLUG.match(slug) or not is_directory(CATALOG / slug):
        raise TakehomeError(
            f"{scorecard_path}: challenge.id: {slug[:64]!r} is not a bundled challenge; "
            "name it with --challenge SLUG_OR_DIR"
        )
    return wiring.challenge(CATALOG / slug)
