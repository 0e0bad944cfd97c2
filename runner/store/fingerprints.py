"""The similarity index that outlives a run (issue 16): every indexed submission's winnowed
fingerprints, so that a new submission is compared with every earlier one by lookups on the
hash, never by reading or fingerprinting the earlier ones again.

Two tables. ``fingerprints`` is the inverted index: one row per (fingerprint, submission),
its primary key is the index (on SQLite the table itself, WITHOUT ROWID: a row is its key and
nothing else). Each fingerprint is stored XORed with 61 bits of BLAKE2b of the challenge id,
so one challenge's fingerprints never meet another's and a lookup needs no join.
``fingerprint_sets`` keeps, per submission, what was fingerprinted (``key``: the commit or
content hash and the fingerprinter's parameters) and the fingerprints themselves, sorted, 8
bytes each: the exact similarity of a candidate found by lookup, and its rows when replaced.

A lookup (``nearest``) first drops the query's common hashes: those held by more than
``COMMON_SHARE`` of the challenge's indexed submissions (boilerplate, as in
``graders.similarity.index``) or by more than ``COMMON_POSTINGS`` of them, whatever the share
(a fragment a thousand others wrote tells nothing about copying, and counting its holders
would cost a lookup as much as everything else). Each hash is probed on the index for a
holder past that limit (``LIMIT 1 OFFSET limit``; on PostgreSQL all hashes in one statement),
so a popular hash costs at most the limit, never its whole posting list. Then it counts the
shared fingerprints per submission over the rest (GROUP BY submission on the indexed hash)
and computes the exact similarity of the best ``CANDIDATES`` times k of them from their
stored sets. Queries go in chunks of ``CHUNK`` hashes (SQLite's and PostgreSQL's limits on
bound parameters).
"""

from __future__ import annotations

import hashlib
import struct
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from graders.similarity.index import COMMON_MIN_COHORT, COMMON_SHARE, similarity
from runner.store.base import StoreBase
from runner.store.models import (
    FingerprintRow,
    FingerprintSetRow,
    RunRow,
    ScorecardRow,
    SourceRow,
    SubmissionRow,
)
from runner.store.review_queue import latest_scorecards

CHUNK = 500
"""Hashes per query."""
CANDIDATES = 4
"""Candidates (by shared count) per wanted match whose exact similarity is computed."""
COMMON_POSTINGS = 1_000
"""Submissions holding a hash beyond which it is common, whatever the share."""
_MASK = (1 << 61) - 1


@dataclass(frozen=True)
class IndexedSet:
    """One submission to index: its store id, what was fingerprinted, its fingerprints."""

    submission_id: int
    key: str
    hashes: Collection[int]


@dataclass(frozen=True)
class IndexedMatch:
    """An indexed submission sharing fingerprints with a query."""

    submission_id: int
    shared: int
    """Fingerprints both hold, common ones dropped."""
    size: int
    """Its fingerprints, common ones dropped."""
    similarity: float
    """Shared over the smaller of the two sizes, 0 to 1."""


def salt(challenge_id: str) -> int:
    """The 61 bits a challenge's fingerprints are XORed with in the index."""
    digest = hashlib.blake2b(challenge_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MASK


def pack(hashes: Collection[int]) -> bytes:
    ordered = sorted(set(hashes))
    return struct.pack(f">{len(ordered)}q", *ordered)


def unpack(data: bytes) -> frozenset[int]:
    return frozenset(struct.unpack(f">{len(data) // 8}q", data))


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _rows(submission_id: int, hashes: Collection[int], mixed: int) -> list[dict[str, int]]:
    return [{"hash": h ^ mixed, "submission_id": submission_id} for h in set(hashes)]


class FingerprintRecords(StoreBase):
    def index_fingerprints(
        self, submission_id: int, challenge_id: str, key: str, hashes: Collection[int]
    ) -> bool:
        """Index one submission's fingerprints; False when they are already in under the same
        ``key`` (or a concurrent caller indexed them first). A new key replaces the old rows."""
        return self.index_many(challenge_id, [IndexedSet(submission_id, key, hashes)]) == 1

    def index_many(self, challenge_id: str, sets: Sequence[IndexedSet]) -> int:
        """Index many submissions in one transaction (a cohort, a bulk load); how many were
        written. Submissions already in under the same key are skipped."""
        mixed = salt(challenge_id)
        wanted = {one.submission_id: one for one in sets}
        try:
            with self._transaction() as session:
                stored = self._sets(session, list(wanted))
                fresh = [one for sid, one in wanted.items() if sid not in stored
                         or stored[sid][0] != one.key]  # fmt: skip
                for one in fresh:
                    if (old := stored.get(one.submission_id)) is not None:
                        self._remove(session, one.submission_id, old[1], mixed)
                rows = [r for one in fresh for r in _rows(one.submission_id, one.hashes, mixed)]
                rows.sort(key=lambda row: (row["hash"], row["submission_id"]))
                if fresh:
                    session.execute(insert(FingerprintSetRow), [
                        {"submission_id": one.submission_id, "challenge_id": challenge_id,
                         "key": one.key, "hashes": pack(one.hashes)} for one in fresh
                    ])  # fmt: skip
                for start in range(0, len(rows), 50_000):
                    session.execute(insert(FingerprintRow), rows[start : start + 50_000])
        except IntegrityError:
            return 0
        return len(fresh)

    def _sets(self, session: Session, ids: list[int]) -> dict[int, tuple[str, bytes]]:
        found: dict[int, tuple[str, bytes]] = {}
        for chunk in _chunks(ids):
            query = select(FingerprintSetRow.submission_id, FingerprintSetRow.key,
                           FingerprintSetRow.hashes).where(
                FingerprintSetRow.submission_id.in_(chunk))  # fmt: skip
            found.update({row[0]: (row[1], row[2]) for row in session.execute(query)})
        return found

    def _remove(self, session: Session, submission_id: int, data: bytes, mixed: int) -> None:
        session.execute(delete(FingerprintSetRow).where(
            FingerprintSetRow.submission_id == submission_id))  # fmt: skip
        for chunk in _chunks([h ^ mixed for h in unpack(data)]):
            gone = FingerprintRow.hash.in_(chunk)
            session.execute(
                delete(FingerprintRow).where(FingerprintRow.submission_id == submission_id, gone)
            )

    def indexed(self, challenge_id: str) -> dict[int, str]:
        """The challenge's indexed submissions and the key each was indexed under."""
        with self._transaction(write=False) as session:
            query = select(FingerprintSetRow.submission_id, FingerprintSetRow.key).where(
                FingerprintSetRow.challenge_id == challenge_id)  # fmt: skip
            return {row[0]: row[1] for row in session.execute(query)}

    def stored_sources(self, challenge_id: str) -> list[tuple[int, int, str]]:
        """``(submission id, scorecard id, commit)`` of each submission of the challenge whose
        newest scorecard has its graded source stored: what can be indexed from the store."""
        newest = latest_scorecards()
        query = (
            select(newest.c.submission_id, newest.c.id, RunRow.commit)
            .join(ScorecardRow, ScorecardRow.id == newest.c.id)
            .join(RunRow, RunRow.id == ScorecardRow.run_id)
            .join(SourceRow, SourceRow.scorecard_id == newest.c.id)
            .join(SubmissionRow, SubmissionRow.id == newest.c.submission_id)
            .where(SubmissionRow.challenge_id == challenge_id)
            .order_by(newest.c.submission_id)
        )
        with self._transaction(write=False) as session:
            rows = session.execute(query).all()
        return [(row[0], row[1], row[2] or f"scorecard-{row[1]}") for row in rows]

    def fingerprint_set(self, submission_id: int) -> frozenset[int] | None:
        """One indexed submission's fingerprints (as computed, not salted)."""
        with self._transaction(write=False) as session:
            found = self._sets(session, [submission_id])
        return unpack(found[submission_id][1]) if submission_id in found else None

    def nearest(
        self, challenge_id: str, hashes: Collection[int], k: int,
        exclude: Collection[int] = (),
    ) -> list[IndexedMatch]:  # fmt: skip
        """The ``k`` indexed submissions of the challenge most similar to ``hashes``, by
        lookups (see the module doc); ``exclude``: submission ids never returned (the query's
        own)."""
        mixed = salt(challenge_id)
        query = sorted({h ^ mixed for h in hashes})
        with self._transaction(write=False) as session:
            total = session.scalar(select(func.count()).select_from(FingerprintSetRow).where(
                FingerprintSetRow.challenge_id == challenge_id)) or 0  # fmt: skip
            common = self._common(session, query, total)
            counts: Counter[int] = Counter()
            for chunk in _chunks([h for h in query if h not in common]):
                grouped = (
                    select(FingerprintRow.submission_id, func.count())
                    .where(FingerprintRow.hash.in_(chunk))
                    .group_by(FingerprintRow.submission_id)
                )
                counts.update({row[0]: row[1] for row in session.execute(grouped)})
            for gone in exclude:
                counts.pop(gone, None)
            best = [sid for sid, _ in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
            stored = self._sets(session, best[: k * CANDIDATES])
        dropped = {h ^ mixed for h in common}
        mine = frozenset(hashes) - dropped
        matches = []
        for sid, (_, data) in stored.items():
            theirs = unpack(data) - dropped
            shared = len(mine & theirs)
            value = similarity(shared, len(mine), len(theirs))
            matches.append(IndexedMatch(sid, shared, len(theirs), round(value, 4)))
        matches.sort(key=lambda m: (-m.similarity, -m.shared, m.submission_id))
        return matches[:k]

    def _common(self, session: Session, query: Sequence[int], total: int) -> set[int]:
        if total < COMMON_MIN_COHORT:
            return set()
        limit = min(int(COMMON_SHARE * total), COMMON_POSTINGS)
        if session.get_bind().dialect.name == "postgresql":  # one round trip, not one a hash
            found = session.scalars(_PROBE_ARRAY, {"hashes": list(query), "limit": limit})
            return set(found)
        probe = (
            select(FingerprintRow.submission_id).where(FingerprintRow.hash == bindparam("value"))
            .order_by(FingerprintRow.submission_id).limit(1).offset(limit)
        )  # fmt: skip
        return {h for h in query if session.execute(probe, {"value": h}).first() is not None}


_PROBE_ARRAY = text(
    "SELECT h FROM unnest(CAST(:hashes AS bigint[])) AS h WHERE EXISTS (SELECT 1 FROM "
    "fingerprints f WHERE f.hash = h ORDER BY f.submission_id LIMIT 1 OFFSET :limit)"
)
