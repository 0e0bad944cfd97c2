"""Submissions per minute with 1 and 2 slots, against the floor set by the suites themselves.

Grades N copies of the bundled challenge's sample solutions (the endless loop aside: it
would measure the wall timeout, not us) with 1 slot and with 2, and prints the rate and the
ratio to the floor: the sum of the in-container suite times divided by the slots, i.e. the
time the grading would take if everything but the tests themselves were free.
Target: at least 80 % of the floor with 2 slots on this 2-core machine.

Suites run slower when they share the CPU, and a floor made of slower suites is easier to
reach; so each slot count is also set against the suites of the 1-slot pass ("uncontended"),
which is the stricter figure.

    .venv/bin/python benchmarks/throughput.py [--copies 100]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from challenges.samples import samples
from runner.batch import grade_batch
from runner.pipeline import GradeRequest
from takehome import wiring
from takehome.settings import load_settings

SKIP = {"infinite_loop"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    copies = parser.parse_args().copies
    settings = load_settings()
    challenge = wiring.challenge("kv-store")
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    sources = [s for s in samples(challenge) if s.name not in SKIP]
    requests = [
        GradeRequest(str(sources[n % len(sources)].path), challenge, submission_id=f"copy-{n:03d}")
        for n in range(copies)
    ]
    figures = []
    alone: float | None = None  # mean suite seconds of the 1-slot pass
    for slots in (1, 2):
        out = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
        try:
            started = time.perf_counter()
            results = grade_batch(requests, client, image, config, out, slots)
            elapsed = time.perf_counter() - started
        finally:
            shutil.rmtree(out, ignore_errors=True)
        suites = sum(g.scorecard.tests.suite_seconds or 0.0 for g in results)
        alone = alone if alone is not None else suites / len(results)
        floor, strict = suites / slots, alone * len(results) / slots
        figures.append(
            f"{slots} slot(s): {len(results) / elapsed * 60:.0f}/min in {elapsed:.1f}s, "
            f"floor {floor:.1f}s, {100 * floor / elapsed:.0f} % of the floor "
            f"({100 * strict / elapsed:.0f} % of the uncontended floor)"
        )
    print(
        f"throughput.py: {copies} submissions; " + "; ".join(figures) + " (target >= 80 % with 2)"
    )


if __name__ == "__main__":
    main()
