"""Blind rules for a similarity report of submission directories: each submission named
``submission-001``... in the order given, and every path and line of code shown scrubbed of
every candidate's identity (a copied file may name the other candidate too).

The identities are what ``graders.identity`` finds for a submission: its directory's name and
its parts, the names signed in its top-level files (README, LICENSE, pyproject authors...),
and, for a git checkout, its history's authors and subjects. The scrub is blind review's one
rewrite (``reports.blind.scrubber``), the same that scorecards and source snapshots get.
"""

from __future__ import annotations

from graders.identity import identity_tokens
from graders.similarity.analysis import Comparison
from graders.similarity.blinding import Blinding
from graders.similarity.documents import Document
from reports.blind import scrubber


def neutral_name(number: int) -> str:
    return f"submission-{number:03d}"


def submission_identity(document: Document) -> list[str]:
    """The strings that tell who wrote one submission directory."""
    root = document.root
    git_dir = root / ".git" if (root / ".git").is_dir() else None
    return identity_tokens(
        root.name, [], root, (root.name, document.name), git_dir=git_dir,
        commit="HEAD" if git_dir is not None else None,
    )  # fmt: skip


def similarity_blinding(comparison: Comparison) -> Blinding:
    """Neutral names for the submissions, one scrub for all of their identities."""
    names = {
        summary.name: neutral_name(number)
        for number, summary in enumerate(comparison.report.submissions, start=1)
    }
    tokens = {
        token
        for name in names
        for token in submission_identity(comparison.documents[name])
    }  # fmt: skip
    return Blinding(names, scrubber(sorted(tokens, key=lambda t: (-len(t), t))))
