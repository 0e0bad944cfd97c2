"""A one-shot grade as a CI workflow runs it, against the floor of a plain
``docker run --network none`` of the same suite on the same code.

Interleaves N rounds of: ``takehome --version`` (start-up only), ``takehome grade`` of the
bundled kv-store solution (a fresh output directory each time: intake, measurement, the
hardened run, scoring, reports), the same grade recording into a store for the review app,
and ``docker run --rm --network none`` of the base image running the hidden suite against
the same solution with plain pytest (no hardening, no measurement, no report). Prints the
medians and the ratios to the plain run.

The plain grade runs as on a CI machine: no store (an empty ``XDG_DATA_HOME``, no
``TAKEHOME_DATABASE_URL``), whatever this machine's own store holds. The store figure uses
a store of its own in the scratch directory (SQLite), made by the warm-up grade.

    .venv/bin/python benchmarks/one_shot.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
KV = ROOT / "challenges" / "catalog" / "kv-store"
BASE = os.environ.get("TAKEHOME_BASE_IMAGE", "takehome-base:bookworm")
TAKEHOME = [sys.executable, "-m", "takehome"]


def timed(
    command: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, cwd=ROOT, env=env)
    if done.returncode not in ok:
        raise SystemExit(f"{command[:4]}... exited {done.returncode}: {done.stderr[-500:]!r}")
    return time.perf_counter() - started


def plain_run() -> list[str]:
    return ["docker", "run", "--rm", "--network", "none",
            "-v", f"{KV / 'tests'}:/suite:ro", "-v", f"{KV / 'solution'}:/sub:ro",
            "-e", "PYTHONPATH=/sub", "-e", "PYTHONDONTWRITEBYTECODE=1", "-w", "/tmp", BASE,
            "python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "/suite"]  # fmt: skip


def environments(scratch: str) -> tuple[dict[str, str], dict[str, str]]:
    """A CI machine's (no store anywhere) and one with a store of its own in ``scratch``."""
    ours = ("TAKEHOME_DATABASE_URL", "TAKEHOME_REVIEW_URL")
    ci = {k: v for k, v in os.environ.items() if k not in ours}
    os.makedirs(f"{scratch}/xdg")
    ci["XDG_DATA_HOME"] = f"{scratch}/xdg"
    return ci, {**ci, "TAKEHOME_DATABASE_URL": f"sqlite:///{scratch}/store.db"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as scratch:
        ci, stored = environments(scratch)
        grade = [*TAKEHOME, "grade", str(KV / "solution"), "--challenge", "kv-store"]
        for warm, env in (("warm", ci), ("warm-store", stored)):
            subprocess.run([*grade, "--out", f"{scratch}/{warm}"], check=True, capture_output=True,
                           env=env)  # fmt: skip
        version, graded, into_store, plain = [], [], [], []
        for number in range(rounds):
            version.append(timed([*TAKEHOME, "--version"], env=ci))
            graded.append(timed([*grade, "--out", f"{scratch}/{number}"], env=ci))
            plain.append(timed(plain_run(), ok=(1,)))  # the tripwire fails: pytest exits 1
            into_store.append(timed([*grade, "--out", f"{scratch}/s{number}"], env=stored))
    v, g, s, p = (statistics.median(x) for x in (version, graded, into_store, plain))
    print(
        f"one_shot: --version {v:.3f} s; grade {g:.3f} s; plain docker run {p:.3f} s; "
        f"grade/plain {g / p:.2f}x; grade into a store {s:.3f} s ({s / p:.2f}x) "
        f"({rounds} rounds, medians)"
    )


if __name__ == "__main__":
    main()
