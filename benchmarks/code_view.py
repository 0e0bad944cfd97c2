"""How long the review page's code view takes to build and render a 2,000-line Python
submission (what a reviewer waits for the first time a submission is opened; later views come
from the app's cache). Prints best and median of 20 runs, and the first (cold) run.

    .venv/bin/python benchmarks/code_view.py
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from challenges.load import load_challenge
from graders.base import Outcome
from graders.hidden_suite import unrun_measurement
from graders.registry import available
from reports.render.code_view import code_view, render_code_view
from reports.scorecard import Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from reports.source import SourceFile, SourceSnapshot

LINES = 2_000
FILES = 4


def submission() -> SourceSnapshot:
    per_file = LINES // FILES
    files = []
    for index in range(FILES):
        body = []
        for n in range(per_file // 4):
            body += [f"def handler_{index}_{n}(request: dict[str, str]) -> str:",
                     f'    """Answer request {n}."""',
                     f"    return request.get('key', '') + str({n})  # note",
                     ""]  # fmt: skip
        files.append(SourceFile(path=f"app/module_{index}.py", text="\n".join(body),
                                change="added"))  # fmt: skip
    return SourceSnapshot(schema_version=1, commit="0" * 40, files=files, omitted=[], diffs=[])


def main() -> None:
    challenge = load_challenge("kv-store", available())
    provenance = Provenance(
        commit="0" * 40, image_id=None, suite_hash=challenge.suite_hash, rubric_version="1",
        challenge_version="1", tool_versions={}, timings={},
        graded_at=datetime(2026, 12, 7, tzinfo=UTC),
    )  # fmt: skip
    info = SubmissionInfo(id="bench", source="/srv/bench", ref=None, commit="0" * 40)
    measured = unrun_measurement(challenge, Outcome.TEST_FAILURES, "benchmark")
    card: Scorecard = build_scorecard(challenge, info, measured, provenance, [])
    snapshot = submission()
    lines = sum(f.text.count("\n") + 1 for f in snapshot.files)
    timings = []
    for _ in range(21):
        started = time.perf_counter()
        render_code_view(code_view(snapshot, card))
        timings.append((time.perf_counter() - started) * 1000)
    cold, warm = timings[0], timings[1:]
    print(f"code view of {lines} lines in {FILES} files")
    print(f"  first run (templates compiled, lexers loaded): {cold:.1f} ms")
    print(f"  best {min(warm):.1f} ms, median {statistics.median(warm):.1f} ms over {len(warm)}")


if __name__ == "__main__":
    main()
