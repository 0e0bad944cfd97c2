"""Per-submission cost of grading, against a plain ``docker run`` of the same suite.

For each sample solution of the bundled challenge (the endless loop aside) it times, over a
few rounds: our total from intake to written reports, the hidden suite's own time inside the
container, their difference (our overhead), our run stage alone, and a plain
``docker run --rm --network none IMAGE pytest ...`` of the same suite on the same code.
Prints one line per submission, then one summary line.

With ``--baseline TREE`` (a checkout of the code to compare with, e.g. ``git archive
<commit> | tar -x -C /tmp/before``) it prints instead the median run stage before (that
tree, imported by a child process) and after (this code), rounds taken in turn: the cost of
a change to the sandbox (issue 10: privilege separation and per-run canaries, target +10 %).

    .venv/bin/python benchmarks/overhead.py [--rounds 3] [--baseline /tmp/before]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
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
        "0:0",  # since issue 10 the image's copy of the suite is readable by root alone
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


def run_stages(rounds: int) -> list[float]:
    """The run stage of every sample, ``rounds`` times, with the code this process imports."""
    settings = load_settings()
    challenge = wiring.challenge("kv-store")
    client, image = wiring.engine_and_image(settings, challenge)
    config = wiring.pipeline_config(settings, challenge)
    out = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
    stages = []
    try:
        for _ in range(rounds):
            for sample in samples(challenge):
                if sample.name in SKIP:
                    continue
                request = GradeRequest(str(sample.path), challenge, submission_id=sample.name)
                card = grade(request, client, image, config, out).scorecard
                stages.append(card.provenance.timings["run"])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return stages


def compare_run_stage(tree: Path, rounds: int) -> None:
    """Run stage before (``tree``, in a child process importing it) and after (this code),
    one round of each in turn so that the load of a shared machine falls on both alike."""
    before: list[float] = []
    after: list[float] = []
    env = {**os.environ, "PYTHONPATH": str(tree)}
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, __file__, "--rounds", "1", "--stages-json"],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        before += json.loads(done.stdout.splitlines()[-1])
        after += run_stages(1)
    old, new = statistics.median(before), statistics.median(after)
    print(
        f"overhead.py --baseline: {len(after)} runs each, interleaved: median run stage "
        f"before {old:.3f}s, after {new:.3f}s: {(new / old - 1) * 100:+.1f} % (target <= +10 %); "
        f"sums {sum(before):.1f}s / {sum(after):.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout to compare the run stage with")
    parser.add_argument("--stages-json", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    rounds = options.rounds
    if options.stages_json:
        print(json.dumps(run_stages(rounds)))
        return
    if options.baseline:
        compare_run_stage(options.baseline, rounds)
        return
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
