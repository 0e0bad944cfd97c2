"""The expected problems of a similarity run: each names the file or directory at fault."""

from __future__ import annotations

from challenges.base_error import TakehomeError


class SimilarityError(TakehomeError):
    """A submission or known-solution directory that cannot be compared."""
