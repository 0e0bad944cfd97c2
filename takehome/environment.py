"""The one reader of takehome's environment variables: ``TAKEHOME_<NAME>``, in any case.

``takehome.settings`` validates what it finds (its pydantic model). A one-shot grade also
takes the raw scratch directory from here before that model loads, to start its container
early (``takehome.commands.grading``); the grade adopts that container only where the
validated settings agree with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PREFIX = "takehome_"


def takehome_variables(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Every ``TAKEHOME_*`` variable by its name in lowercase without the prefix (as
    pydantic-settings, which read them before, matched them: whatever their case)."""
    return {
        key.lower().removeprefix(PREFIX): value
        for key, value in environ.items()
        if key.lower().startswith(PREFIX)
    }
