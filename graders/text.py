"""Making candidate-controlled text safe to keep: no terminal escapes, bounded length.

HTML escaping is the renderer's job; this removes what no renderer should ever pass on
(ANSI sequences that repaint a reviewer's terminal, NULs, other control characters).
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CUT = "\n[...]\n"


def clean(text: str, cap: int) -> str:
    """``text`` without escape sequences or control characters, cut to ``cap`` characters."""
    text = _CONTROL.sub("", _ANSI.sub("", text))
    if len(text) > cap:
        keep = cap - len(_CUT)
        if keep <= 0:
            return text[:cap]
        tail = keep // 2
        text = text[: keep - tail] + _CUT + text[len(text) - tail :]
    return text


def first_line(text: str, cap: int = 200) -> str:
    """The first non-empty line of ``text``, cleaned; for one-line reasons."""
    for line in clean(text, 100_000).splitlines():
        if line.strip():
            return line.strip()[:cap]
    return ""
