"""Expected problems of the execution layer."""

from __future__ import annotations

from challenges.base_error import TakehomeError


class RepoRejected(TakehomeError):
    """The submission cannot be taken in: bad URL, unknown ref, too big, too slow."""


class InfraError(TakehomeError):
    """The grading machinery failed (engine down, disk full): retried, never the candidate's
    fault."""


class ImageError(TakehomeError):
    """A base or challenge image cannot be found, pulled or built."""
