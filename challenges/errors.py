"""Expected problems of the challenge format, and the list a validation collects.

A challenge author fixes a challenge in one sitting only if they see every problem at once, so
the loader goes on after each one it finds and raises a single ``ChallengeError`` listing all
of them, each naming its file and field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

from challenges.base_error import TakehomeError

_T = TypeVar("_T")
_P = ParamSpec("_P")

SHOWN = 25
"""Problems spelled out in one message; the rest are counted."""


class ChallengeError(TakehomeError):
    """A challenge directory, ``challenge.toml``, ``rubric.toml`` or a sample is invalid."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = tuple(problems) or (message,)
        """Each problem on its own, ``file: field: what`` (one when raised directly)."""

    @classmethod
    def listing(cls, problems: Sequence[str]) -> ChallengeError:
        """One error for several problems."""
        return cls(summary(problems), problems)


def summary(problems: Sequence[str]) -> str:
    """Several problems on one line: the first ``SHOWN`` in full, the rest counted."""
    if len(problems) == 1:
        return problems[0]
    more = len(problems) - SHOWN
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"{len(problems)} problems: " + "; ".join(problems[:SHOWN]) + suffix


class Problems:
    """Problems found so far; each check runs even when an earlier one failed."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message)

    def collect(self, check: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        """``check(...)``, or ``None`` with its problems recorded when it raises a
        ChallengeError."""
        try:
            return check(*args, **kwargs)
        except ChallengeError as error:
            self.found.extend(error.problems)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise ChallengeError.listing(self.found)
