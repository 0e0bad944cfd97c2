"""The project's base error: the one hierarchy of expected problems starts here.

It lives in the lowest layer so that every package can raise it; the application shell turns
any ``TakehomeError`` into a one-line message and exit code 1, and anything else into exit 3.
"""

from __future__ import annotations


class TakehomeError(Exception):
    """A problem the user can fix: bad input, a missing image, a rejected repository."""
