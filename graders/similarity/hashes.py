"""A submission's fingerprints as the store's index keeps them: the set of winnowed hashes,
starter removed, from a directory or from captured file texts (a stored source snapshot).

``FINGERPRINTER`` names the parameters the hashes depend on: part of every index key, so that
changing them re-indexes instead of comparing hashes made two different ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from graders.similarity.fingerprints import WINDOW, K, fingerprints
from graders.similarity.sources import SourceFile, file_tokens, source_files
from graders.similarity.starter import STARTER_K, starter_hashes, without_starter

FINGERPRINTER = f"winnow-k{K}-w{WINDOW}-s{STARTER_K}-v1"


@lru_cache(maxsize=16)
def challenge_starter(challenge_root: Path) -> frozenset[int]:
    """The k-gram hashes of what a challenge gives candidates (its starter and handout/;
    none without either): removed from every submission as not the candidate's."""
    given = [challenge_root / name for name in ("starter", "handout")]
    files = [found for folder in given if folder.is_dir() for found in source_files(folder)]
    return starter_hashes(files) if files else frozenset()


def file_hashes(files: Iterable[SourceFile], starter: frozenset[int]) -> frozenset[int]:
    """The fingerprint hashes of tokenised files, starter removed."""
    found: set[int] = set()
    for number, file in enumerate(files):
        prints = fingerprints(file.tokens, number)
        found.update(p.hash for p in without_starter(file.tokens, prints, starter))
    return frozenset(found)


def tree_hashes(root: Path, starter: frozenset[int]) -> frozenset[int]:
    """The fingerprint hashes of every comparable file under ``root``."""
    return file_hashes(source_files(root), starter)


def text_hashes(texts: Iterable[tuple[str, str]], starter: frozenset[int]) -> frozenset[int]:
    """The fingerprint hashes of ``(relative path, text)`` pairs, in path order."""
    return file_hashes((file_tokens(path, text) for path, text in sorted(texts)), starter)
