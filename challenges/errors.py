"""Expected problems of the challenge format."""

from __future__ import annotations

from challenges.base_error import TakehomeError


class ChallengeError(TakehomeError):
    """A challenge directory, ``challenge.toml`` or ``rubric.toml`` is invalid."""
