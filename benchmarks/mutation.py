"""Mutants graded per minute with 1 and 2 slots, against the batch throughput of this machine.

Takes N mutants of the bundled kv-store reference (the gate's own selection) and N copies of
the reference itself, and grades each set as one batch (``runner.batch.grade_batch``, the warm
pool and slots every batch uses) with 1 slot and with 2; prints mutants per minute, copies per
minute and their ratio. A mutant that breaks the code fails faster (an import error) or slower
(a test timeout) than the reference, so the ratio shows what the mutants themselves cost; the
share of the wall time spent inside the suites (summed, divided by the slots) shows how much of
it is the tests and how much our overhead.
Target: mutants within 10 % of the batch throughput.

    .venv/bin/python benchmarks/mutation.py [--count 40]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from runner.batch import grade_batch
from runner.mutation.grading import mutant_requests
from runner.mutation.mutants import generate, select
from runner.pipeline import GradeRequest
from takehome import wiring
from takehome.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    count = parser.parse_args().count
    settings = load_settings()
    challenge = wiring.challenge("kv-store")
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    trees = Path(tempfile.mkdtemp(prefix="takehome-bench-mutants-"))
    mutants = select(generate(challenge.root / "solution"), count)
    sets = {
        "mutants": mutant_requests(challenge, mutants, trees),
        "reference copies": [
            GradeRequest(str(challenge.root / "solution"), challenge, submission_id=f"copy-{n:03d}")
            for n in range(len(mutants))
        ],
    }
    rates: dict[tuple[str, int], float] = {}
    suites: dict[tuple[str, int], float] = {}
    try:
        for slots in (1, 2):
            for name, requests in sets.items():  # interleaved: the machine's drift hits both
                out = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
                try:
                    started = time.perf_counter()
                    graded = grade_batch(requests, client, image, config, out, slots)
                    elapsed = time.perf_counter() - started
                    rates[name, slots] = len(requests) / elapsed * 60
                    inside = sum(g.scorecard.tests.suite_seconds or 0.0 for g in graded)
                    suites[name, slots] = inside / slots / elapsed
                finally:
                    shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(trees, ignore_errors=True)
    figures = [
        f"{slots} slot(s): {rates['mutants', slots]:.0f} mutants/min vs "
        f"{rates['reference copies', slots]:.0f} copies/min "
        f"({100 * rates['mutants', slots] / rates['reference copies', slots]:.0f} %; suites "
        f"{100 * suites['mutants', slots]:.0f} % vs {100 * suites['reference copies', slots]:.0f} %"
        " of the wall time)"
        for slots in (1, 2)
    ]
    print(f"mutation.py: {len(mutants)} mutants of kv-store; " + "; ".join(figures)
          + " (target: within 10 % of the batch)")  # fmt: skip


if __name__ == "__main__":
    main()
