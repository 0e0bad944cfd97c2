"""The store's similarity index, fed and read: the grader layer computes fingerprints
(``graders.similarity.hashes``), the store keeps them (``runner.store.fingerprints``), and
this module joins the two.

A submission is indexed once per graded commit (and fingerprinter): from its exported tree at
grading time (``index_tree``), or afterwards from the graded source the store kept beside its
newest scorecard (``index_stored_sources``, what ``takehome similarity --store`` runs first).
A cohort's ranked pairs then come from one lookup per submission, never from reading or
fingerprinting the others again. Submissions are named by neutral ids (``S<store id>``): no
alias, no repository, nothing blind review would remove.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from challenges.load import Challenge
from graders.similarity.errors import SimilarityError
from graders.similarity.hashes import FINGERPRINTER, challenge_starter, text_hashes, tree_hashes
from reports.source import SourceSnapshot
from runner.store.runs import Store

log = logging.getLogger(__name__)

PER_SUBMISSION = 10
"""Nearest earlier submissions looked up per submission for a cohort's pairs."""


def neutral_id(submission_id: int) -> str:
    """How a stored submission is named in similarity evidence: its store id, nothing else."""
    return f"S{submission_id}"


def index_key(commit: str) -> str:
    return f"{FINGERPRINTER}:{commit}"


def index_tree(store: Store, challenge: Challenge, submission_id: int, tree: Path,
               commit: str) -> bool:  # fmt: skip
    """Index a submission's exported tree (starter removed) once per commit; True if written."""
    key = index_key(commit)
    if store.indexed(challenge.config.id).get(submission_id) == key:
        return False
    hashes = tree_hashes(tree, challenge_starter(challenge.root))
    return store.index_fingerprints(submission_id, challenge.config.id, key, hashes)


def index_snapshot(store: Store, challenge: Challenge, submission_id: int,
                   snapshot: SourceSnapshot, commit: str) -> bool:  # fmt: skip
    """Index a submission from its graded source (what the store keeps), once per commit;
    True if written."""
    key = index_key(commit)
    if store.indexed(challenge.config.id).get(submission_id) == key:
        return False
    return _write(store, challenge, submission_id, snapshot, key)


def _write(store: Store, challenge: Challenge, submission_id: int, snapshot: SourceSnapshot,
           key: str) -> bool:  # fmt: skip
    hashes = text_hashes(((f.path, f.text) for f in snapshot.files),
                         challenge_starter(challenge.root))  # fmt: skip
    return store.index_fingerprints(submission_id, challenge.config.id, key, hashes)


def index_quietly(store: Store, challenge: Challenge, submission_id: int,
                  snapshot: SourceSnapshot, commit: str) -> None:  # fmt: skip
    """``index_snapshot`` right after a grade is stored: a failure costs the similarity
    evidence of this submission (the review page then says it is not indexed), never the
    grade; ``takehome similarity --store`` indexes it later."""
    try:
        index_snapshot(store, challenge, submission_id, snapshot, commit)
    except Exception:  # tokenising hostile files is ours to fix; the grade stands
        log.exception("submission %s: not added to the similarity index", submission_id)


def index_stored_sources(store: Store, challenge: Challenge) -> int:
    """Index every submission of the challenge whose newest scorecard's source is stored and
    not indexed under its commit yet; how many were indexed."""
    indexed = store.indexed(challenge.config.id)
    written = 0
    for submission_id, scorecard_id, commit in store.stored_sources(challenge.config.id):
        if indexed.get(submission_id) == index_key(commit):
            continue
        if (data := store.source_of(scorecard_id)) is None:
            continue
        try:
            snapshot = SourceSnapshot.model_validate_json(data)
        except ValidationError:
            raise SimilarityError(
                f"{store.name}: the source of scorecard {scorecard_id} is not a valid snapshot"
            ) from None
        written += _write(store, challenge, submission_id, snapshot, index_key(commit))
    return written


@dataclass(frozen=True)
class StoredPair:
    a: str
    b: str
    similarity: float
    shared: int


@dataclass(frozen=True)
class StoredCohort:
    challenge: str
    indexed: int
    """Submissions in the index for this challenge."""
    newly_indexed: int
    pairs: list[StoredPair]
    """Pairs sharing code, most similar first (each submission's nearest, both ways merged)."""


def stored_cohort(store: Store, challenge: Challenge,
                  per_submission: int = PER_SUBMISSION) -> StoredCohort:  # fmt: skip
    """Bring the index up to date from the stored sources, then rank the cohort's pairs by one
    lookup per indexed submission."""
    newly = index_stored_sources(store, challenge)
    challenge_id = challenge.config.id
    members = sorted(store.indexed(challenge_id))
    found: dict[tuple[int, int], StoredPair] = {}
    for submission_id in members:
        hashes = store.fingerprint_set(submission_id) or frozenset()
        for match in store.nearest(challenge_id, hashes, per_submission, {submission_id}):
            a, b = sorted((submission_id, match.submission_id))
            if match.shared and (a, b) not in found:
                found[(a, b)] = StoredPair(neutral_id(a), neutral_id(b), match.similarity,
                                           match.shared)  # fmt: skip
    ranked = sorted(found.values(), key=lambda p: (-p.similarity, -p.shared, p.a, p.b))
    return StoredCohort(challenge_id, len(members), newly, ranked)


class StoreLookup:
    """Earlier submissions of one challenge, looked up in the store (for the similarity
    grader): matches named by neutral ids, the graded submission's own entry left out."""

    def __init__(self, store: Store, challenge_id: str, exclude: Collection[int] = ()) -> None:
        self._store = store
        self._challenge_id = challenge_id
        self._exclude = frozenset(exclude)

    def nearest(self, hashes: frozenset[int], k: int) -> list[tuple[str, float]]:
        matches = self._store.nearest(self._challenge_id, hashes, k, self._exclude)
        return [(neutral_id(m.submission_id), m.similarity) for m in matches if m.shared]
