"""The store's similarity index at scale: SUBMISSIONS synthetic submissions bulk-loaded into a
SQLite store (its real schema, through the migrations), then lookups through
``Store.nearest``, the call a new submission's grading makes.

Synthetic fingerprint sets, shaped like real ones: a size drawn around 220 fingerprints (what
about 300 lines of Python keep after starter removal, measured on the generated cohort of
``benchmarks/similarity.py``), three quarters of them the submission's own, one quarter drawn
from 20,000 fragments the cohort shares with Zipf-like popularity (the obvious loop, the
usual imports: the most popular end up above the common share and are dropped), and one
submission in a hundred copying 60 % of an earlier one. Prints rows and bytes per submission
and per row (dbstat: the index and the sets apart), the load time, and lookup latencies
(median and p95 of QUERIES lookups of disguised copies, and of fresh submissions of the same
cohort: their popular fragments are the same).

    .venv/bin/python benchmarks/similarity_store.py [SUBMISSIONS [DB_FILE | URL]]

A DB_FILE that already holds the index is reused (building 100,000 takes a few minutes). A
PostgreSQL URL (an empty database) is loaded through the store's own ``index_many``, a
thousand submissions a call, and its sizes come from ``pg_relation_size``.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from runner.store.fingerprints import IndexedSet, pack, salt
from runner.store.runs import Store

CHALLENGE = "kv-store"
POOL = 20_000
QUERIES = 50
BATCH = 5_000


def _pool_weights() -> list[float]:
    return [1 / (rank + 1) ** 1.1 for rank in range(POOL)]


def synthetic_sets(count: int, seed: int = 7, pool_seed: int = 7) -> list[frozenset[int]]:
    """``count`` sets; other seeds give other submissions of the same cohort (the same pool)."""
    pooled = random.Random(pool_seed)
    pool = [pooled.randrange(1 << 61) for _ in range(POOL)]
    rng = pooled if seed == pool_seed else random.Random(seed)
    weights = _pool_weights()
    sets: list[frozenset[int]] = []
    for number in range(count):
        size = max(40, int(rng.gauss(220, 60)))
        shared = rng.choices(pool, weights, k=size // 4)
        own = [rng.randrange(1 << 61) for _ in range(size - size // 4)]
        if number and rng.random() < 0.01:
            source = sorted(sets[rng.randrange(number)])
            own = own[: len(own) // 2] + rng.sample(source, int(len(source) * 0.6))
        sets.append(frozenset(shared + own))
    return sets


def build(path: Path, sets: list[frozenset[int]]) -> float:
    """Load the sets into a fresh store at ``path`` (sorted, one pass); seconds taken."""
    started = time.perf_counter()
    Store.open(f"sqlite:///{path}").close()
    mixed = salt(CHALLENGE)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.executemany(
            "INSERT INTO submissions (id, alias, challenge_id, source, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            ((n + 1, f"c{n}", CHALLENGE, f"/r/{n}", now) for n in range(len(sets))),
        )
        db.executemany(
            "INSERT INTO fingerprint_sets (submission_id, challenge_id, key, hashes) "
            "VALUES (?, ?, ?, ?)",
            ((n + 1, CHALLENGE, "synthetic", pack(s)) for n, s in enumerate(sets)),
        )
        rows = sorted((h ^ mixed, n + 1) for n, s in enumerate(sets) for h in s)
        for start in range(0, len(rows), BATCH * 100):
            db.executemany("INSERT INTO fingerprints (hash, submission_id) VALUES (?, ?)",
                           rows[start : start + BATCH * 100])  # fmt: skip
    return time.perf_counter() - started


def sizes(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    return {name: int(total) for name, total in found}


def load_through_store(store: Store, sets: list[frozenset[int]]) -> float:
    """Index the sets with ``Store.index_many``, a thousand submissions a call; seconds."""
    started = time.perf_counter()
    for start in range(0, len(sets), 1000):
        numbers = range(start, min(start + 1000, len(sets)))
        ids = [store.submission_for(CHALLENGE, f"c{n}", f"/r/{n}", None) for n in numbers]
        if ids != [n + 1 for n in numbers]:
            raise SystemExit(f"{store.name}: not an empty database")
        store.index_many(CHALLENGE, [IndexedSet(n + 1, "synthetic", sets[n]) for n in numbers])
    return time.perf_counter() - started


def postgres_sizes(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT pg_total_relation_size('{table}')"))
                       .scalar_one())
            for table in ("fingerprints", "fingerprint_sets")
        }  # fmt: skip


def _disguised(rng: random.Random, original: frozenset[int]) -> frozenset[int]:
    kept = [h for h in original if rng.random() < 0.7]
    return frozenset(kept + [rng.randrange(1 << 61) for _ in range(len(original) // 3)])


def _latencies(
    store: Store, queries: list[frozenset[int]], expected: list[int | None]
) -> tuple[list[float], int]:
    """Lookup times (ms), and how many found the expected submission first."""
    times, found = [], 0
    for query, wanted in zip(queries, expected, strict=True):
        started = time.perf_counter()
        matches = store.nearest(CHALLENGE, query, 5)
        times.append((time.perf_counter() - started) * 1000)
        found += bool(matches) and matches[0].submission_id == wanted
    return times, found


def _ms(times: list[float]) -> str:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    return f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    where = sys.argv[2] if len(sys.argv) > 2 else str(Path(tempfile.mkdtemp()) / "index.db")
    postgres = where.startswith("postgresql")
    path = Path(where)
    sets = synthetic_sets(count)
    built = "reused"
    if not postgres and not path.exists():
        built = f"built in {build(path, sets):.1f} s"
    with Store.open(where if postgres else f"sqlite:///{path}") as store:
        if postgres:
            built = f"loaded through index_many in {load_through_store(store, sets):.1f} s"
        rows = store.count("fingerprints")
        indexed = store.count("fingerprint_sets")
        rng = random.Random(1)
        originals = [rng.randrange(count) for _ in range(QUERIES)]
        copies = [_disguised(rng, sets[n]) for n in originals]
        fresh = synthetic_sets(QUERIES, seed=99)
        copy_times, copy_found = _latencies(store, copies, [n + 1 for n in originals])
        fresh_times, _ = _latencies(store, fresh, [None] * QUERIES)
        by_table = postgres_sizes(store) if postgres else sizes(path)
    index_bytes = by_table.get("fingerprints", 0)
    set_bytes = by_table.get("fingerprint_sets", 0)
    print(
        f"similarity index: {indexed} submissions, {rows} fingerprint rows "
        f"({rows / indexed:.0f} per submission) in {store.name} ({built}); index table "
        f"{index_bytes / rows:.1f} bytes/row ({index_bytes / indexed:.0f} per submission), "
        f"sets {set_bytes / indexed:.0f} bytes per submission"
        + ("" if postgres else f", file {path.stat().st_size / 2**20:.0f} MiB")
        + "; lookup of a disguised copy (top 5): "
        f"{_ms(copy_times)}, its original first {copy_found}/{QUERIES}; of a fresh submission: "
        f"{_ms(fresh_times)}"
    )


if __name__ == "__main__":
    main()
