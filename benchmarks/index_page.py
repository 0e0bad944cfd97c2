"""The cohort index page of 10,000 submissions in SQLite: time to list and render it.

Inserts 10,000 invitations, submissions, runs and scorecards (one real kv-store scorecard,
re-keyed per candidate) into a fresh SQLite store, then times the listing from the store's
summary columns plus the page rendering (median of 5). Target: under 300 ms.

    .venv/bin/python benchmarks/index_page.py
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from challenges.load import load_challenge
from graders.base import Outcome
from graders.hidden_suite import unrun_measurement
from graders.registry import available
from reports.render.cohort_page import render_index
from reports.scorecard import Provenance, SubmissionInfo
from reports.scoring import build_scorecard
from runner.store.runs import Store, idempotency_key

COUNT = 10_000


def main() -> None:
    challenge = load_challenge("kv-store", available())
    root = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
    try:
        store = Store.open(f"sqlite:///{root / 'takehome.db'}")
        provenance = Provenance(
            commit="a" * 40, image_id="sha256:img", suite_hash=challenge.suite_hash,
            rubric_version="1", challenge_version="1", tool_versions={}, timings={},
            graded_at=datetime(2026, 11, 22, tzinfo=UTC), head="a" * 40,
        )  # fmt: skip
        measurement = unrun_measurement(challenge, Outcome.TEST_FAILURES, "benchmark")
        started = time.perf_counter()
        for number in range(COUNT):
            alias = f"cand-{number:05d}"
            store.create_invitation("kv-store", alias, datetime.now(UTC) + timedelta(days=7))
            info = SubmissionInfo(id=alias, source=f"/srv/{alias}", ref=None, commit="a" * 40)
            card = build_scorecard(challenge, info, measurement, provenance, [])
            submission = store.submission_for("kv-store", alias, info.source, None)
            key = idempotency_key(alias, info.source, "a" * 40, challenge.suite_hash, "img")
            run_id, _ = store.start_run(submission, key, "a" * 40, challenge.suite_hash, "img")
            store.finish_run(run_id, card)
        filled = time.perf_counter() - started
        runs = []
        for _ in range(5):
            begun = time.perf_counter()
            page = render_index(store.cohort_rows("kv-store"), challenge.config.title)
            runs.append(time.perf_counter() - begun)
        store.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"index_page.py: {COUNT} invitations, submissions and scorecards in SQLite "
          f"(filled in {filled:.0f}s); index page listed and rendered in "
          f"{1000 * statistics.median(runs):.0f} ms median of 5, {len(page) // 1024} KB "
          f"(target < 300 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
