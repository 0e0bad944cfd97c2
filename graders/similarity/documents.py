"""A document: one submission or known solution, its files and its fingerprints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graders.similarity.fingerprints import Fingerprint, fingerprints
from graders.similarity.sources import SourceFile, source_files
from graders.similarity.starter import without_starter

Kind = Literal["submission", "reference", "sample", "known", "ai-written"]
"""A cohort submission, or a known solution: the challenge's reference, one of its samples,
one from ``--known``, or a sample its author described as AI-written."""


@dataclass
class Document:
    """A whole (multi-file) submission or known solution, fingerprinted."""

    name: str
    root: Path
    kind: Kind
    files: list[SourceFile]
    prints: list[Fingerprint]
    """Fingerprints left once starter code is removed."""
    starter_dropped: int
    description: str = ""
    hashes: frozenset[int] = field(default=frozenset())

    def __post_init__(self) -> None:
        self.hashes = frozenset(p.hash for p in self.prints)


def document(
    name: str, root: Path, kind: Kind, starter: frozenset[int], note: str = ""
) -> Document:
    """Read, tokenise and fingerprint the directory ``root``; starter code removed."""
    files = source_files(root)
    kept: list[Fingerprint] = []
    total = 0
    for number, file in enumerate(files):
        prints = fingerprints(file.tokens, number)
        total += len(prints)
        kept.extend(without_starter(file.tokens, prints, starter))
    return Document(name, root, kind, files, kept, total - len(kept), note)
