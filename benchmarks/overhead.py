"""Per-submission cost of grading, against a plain ``docker run`` of the same suite.

For each sample solution of the bundled challenge (the endless loop aside) it times, over a
few rounds: our total from intake to written reports, the hidden suite's own time inside the
container, their difference (our overhead), our run stage alone, and a plain
``docker run --rm --network none IMAGE pytest ...`` of the same suite on the same code.
Prints one line per submission, then one summary line.

    .venv/bin/python benchmarks/overhead.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from challenges.samples import samples
from runner.pipeline import GradeRequest, grade
from runner.sandbox.run_images import OPT, SUBMISSION, SUITE
from takehome import wiring
from takehome.settings import load_settings

SKIP = {"infinite_loop"}


def plain_docker_run(image_id: str, tree: Path) -> float:
    command = [
        "docker",
        "run",
        "--rm",
        "--network",
        "none",
        "--user",
        "65534:65534",
        "-v",
        f"{tree}:{SUBMISSION}:ro",
        "-w",
        "/tmp",
        "-e",
        f"PYTHONPATH={SUBMISSION}",
        image_id,
        "python3",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-c",
        f"{OPT}/pytest.ini",
        "--rootdir",
        SUITE,
        SUITE,
    ]
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    settings = load_settings()
    challenge = wiring.challenge("kv-store")
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    out = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
    totals, runs, plains, overheads = [], [], [], []
    try:
        for sample in samples(challenge):
            if sample.name in SKIP:
                continue
            ours, suite, run, plain = [], [], [], []
            for _ in range(rounds):
                started = time.perf_counter()
                card = grade(
                    GradeRequest(str(sample.path), challenge, submission_id=sample.name),
                    client,
                    image,
                    config,
                    out,
                ).scorecard
                ours.append(time.perf_counter() - started)
                suite.append(card.tests.suite_seconds or 0.0)
                run.append(card.provenance.timings["run"])
                plain.append(plain_docker_run(image.id, sample.path))
            total, inside = statistics.median(ours), statistics.median(suite)
            totals.append(total)
            runs.append(statistics.median(run))
            plains.append(statistics.median(plain))
            overheads.append(total - inside)
            print(
                f"{sample.name:<14} total {total:.3f}s  suite-in-container {inside:.3f}s  "
                f"overhead {total - inside:.3f}s  run-stage {statistics.median(run):.3f}s  "
                f"plain-docker-run {statistics.median(plain):.3f}s  ({card.outcome.value})"
            )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    median_total, median_plain = statistics.median(totals), statistics.median(plains)
    median_run = statistics.median(runs)
    print(
        f"overhead.py: {len(totals)} submissions x {rounds} rounds on {os.cpu_count()} cores: "
        f"median total {median_total:.3f}s (target <= 1.0s), "
        f"median overhead {statistics.median(overheads):.3f}s, median run stage {median_run:.3f}s, "
        f"median plain docker run {median_plain:.3f}s, "
        f"run-stage/plain {median_run / median_plain:.2f}, "
        f"total/plain {median_total / median_plain:.2f}"
    )


if __name__ == "__main__":
    main()
