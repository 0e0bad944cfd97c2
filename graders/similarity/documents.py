"""A document: one submission or known solution, its files and its fingerprints."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
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
    """Its files; their tokens are not kept once fingerprinted (memory, and pickling)."""
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
    light = [SourceFile(file.path, (), file.parsed) for file in files]
    return Document(name, root, kind, light, kept, total - len(kept), note)


@dataclass(frozen=True)
class Wanted:
    """A directory to read as a document."""

    name: str
    root: Path
    kind: Kind
    note: str = ""


def _read(starter: frozenset[int], wanted: Wanted) -> Document:
    return document(wanted.name, wanted.root, wanted.kind, starter, wanted.note)


def documents(
    wanted: Sequence[Wanted], starter: frozenset[int], workers: int = 1
) -> list[Document]:
    """Every wanted directory as a document, in order; over ``workers`` processes if more
    than one (reading and fingerprinting is pure CPU work, one document at a time)."""
    read = partial(_read, starter)
    if workers <= 1 or len(wanted) < 2 * workers:
        return [read(one) for one in wanted]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read, wanted, chunksize=max(1, len(wanted) // (workers * 8))))
