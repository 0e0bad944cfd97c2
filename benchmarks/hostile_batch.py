"""Wall time and grader peak memory of a batch of 10 where 5 submissions are hostile.

The hostile five are a fork bomb, a memory bomb, an infinite loop, a submission printing
50 MB and a forged report; the honest five are the bundled solution, starter and three
samples. The challenge is kv-store with its wall timeout cut to 8 s so that the hanging
attacks cost seconds; the batch runs with 2 slots. Peak memory is this process's maximum
resident set size: the grader must not grow with what candidates print.

    .venv/bin/python benchmarks/hostile_batch.py [--huge-mb 50]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from challenges.load import CATALOG
from runner.batch import grade_batch
from runner.pipeline import GradeRequest
from takehome import wiring
from takehome.settings import load_settings

WALL = "8s"
KV = CATALOG / "kv-store"


def hostile_sources(huge_mb: int) -> dict[str, str]:
    solution = (KV / "solution" / "kvstore.py").read_text()
    starter = (KV / "starter" / "kvstore.py").read_text()
    return {
        "fork-bomb": "import os\nwhile True:\n    try:\n        os.fork()\n"
                     "    except OSError:\n        pass\n",
        "memory-bomb": "chunks = []\nwhile True:\n    chunks.append(bytearray(16 << 20))\n",
        "infinite-loop": solution.replace(
            "    def get(self", "    def get(self, *a, **k):\n        while True:\n"
            "            pass\n\n    def _unused_get(self", 1),
        "huge-output": solution + f"\nimport os\nfor _ in range({huge_mb}):\n"
                       "    os.write(1, b'x' * 1_000_000)\n    os.write(2, b'y' * 1_000_000)\n",
        "forged-report": starter + "\nfrom _pytest import reports\n"
                         "_orig = reports.TestReport.__init__\n"
                         "def _forged(self, *a, **k):\n    _orig(self, *a, **k)\n"
                         "    self.outcome = 'passed'\nreports.TestReport.__init__ = _forged\n",
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge-mb", type=int, default=50)
    huge_mb = parser.parse_args().huge_mb
    scratch = Path(tempfile.mkdtemp(prefix="takehome-bench-"))
    try:
        challenge_dir = scratch / "kv-store"
        shutil.copytree(KV, challenge_dir)
        toml = challenge_dir / "challenge.toml"
        toml.write_text(
            toml.read_text().replace('wall_timeout = "30s"', f'wall_timeout = "{WALL}"')
        )
        settings = load_settings()
        challenge = wiring.challenge(challenge_dir)
        client, image = wiring.engine_and_image(settings, challenge)
        config = wiring.pipeline_config(settings, challenge)
        requests = []
        for name, source in hostile_sources(huge_mb).items():
            tree = scratch / "submissions" / name
            tree.mkdir(parents=True)
            (tree / "kvstore.py").write_text(source)
            requests.append(GradeRequest(str(tree), challenge, submission_id=name))
        for name in ("solution", "starter"):
            requests.append(GradeRequest(str(KV / name), challenge, submission_id=name))
        for name in ("strong", "partial", "buggy"):
            requests.append(GradeRequest(str(KV / "samples" / name), challenge, submission_id=name))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        results = grade_batch(requests, client, image, config, scratch / "out", slots=2)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    outcomes = " ".join(f"{g.scorecard.submission.id}={g.scorecard.outcome.value}" for g in results)
    budget = len(requests) * 8 * 1.1
    print(
        f"hostile_batch.py: 10 submissions (5 hostile, {huge_mb} MB x2 printed), 2 slots: "
        f"wall {elapsed:.1f}s (budget {budget:.0f}s), grader peak RSS {peak:.0f} MB "
        f"(before the batch {rss_before:.0f} MB; target < 200 MB); {outcomes}"
    )


if __name__ == "__main__":
    main()
