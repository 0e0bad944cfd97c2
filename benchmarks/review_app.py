"""The review app under a cohort: latency of the queue, the review page and a save.

Builds a store of 5,000 graded submissions (one real kv-store scorecard, measured for real
on a generated 2,000-line Python submission, re-keyed per submission and bulk-inserted), 20
reviewers, 2 reviewers assigned per submission (``assign_pending``) and 2 submitted reviews
per submission (drafts and reviews rows as ``submit_draft`` writes them; the reviews made by
``build_review``). One submission keeps its source snapshot (5 files of 400 lines, captured
against the starter) for the code view. Then serves the app with uvicorn in a thread on
127.0.0.1 and, signed in as one reviewer (about 500 assigned), times each request's wall
time on loopback with one keep-alive client, sequentially: GET /review (the queue), GET
/review/{id} of the 2,000-line submission (the first one, cold, renders the code view; then
warm, from the code cache), and POST /review/{id} (a form save, a new version each time).
Prints p50/p95/max per endpoint (after 5 warmups) and the build time. Target: p95 < 150 ms.

    .venv/bin/python benchmarks/review_app.py [--requests 200] [--url postgresql://...]

Without ``--url`` the store is a temporary SQLite file; a ``--url`` must name an empty
database (its schema is migrated and filled; nothing is removed afterwards).
"""

from __future__ import annotations

import argparse
import math
import random
import re
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import insert, select

from challenges.load import Challenge, load_challenge
from graders.base import Outcome
from graders.complexity import measure_complexity
from graders.hidden_suite import CaseResult, CaseStatus, SuiteMeasurement
from graders.history.commits import CommitInfo, HistoryMeasurement
from graders.lint import measure_lint
from graders.registry import available
from reports.flag_levels import alarms
from reports.review import RatingInput, build_review
from reports.scorecard import Flag, HumanRow, Measurements, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from runner.review_desk.accounts import login_link
from runner.review_desk.blinding import label
from runner.review_desk.review_page import DraftRating, DraftRatings
from runner.source_capture import capture_source
from runner.store.models import (
    AssignmentRow,
    DraftRow,
    ReviewRow,
    Role,
    RunRow,
    ScorecardRow,
    SubmissionRow,
)
from runner.store.runs import Store, idempotency_key
from takehome.web.app import create_app
from takehome.web.config import WebConfig
from takehome.web.review_session import ReviewConfig

SUBMISSIONS, REVIEWERS, PER_SUBMISSION = 5_000, 20, 2
FILES, FUNCTIONS, LINES_PER_FILE = 5, 40, 400
SUITE, IMAGE = "f" * 64, "sha256:" + "ab" * 32
PUBLIC = "http://review.bench"
ALIAS, COMMIT = "benchcand00000", "c0ffee" + "0" * 34
"""Placeholders in the one scorecard's JSON, replaced per submission."""
WARMUP = 5


# --- a 2,000-line submission ------------------------------------------------------------------


def _function(rng: random.Random, module: str, number: int) -> list[str]:
    """One function of a key-value store module, in one of a few shapes (some with lint
    and complexity findings, as real submissions have)."""
    name = f"{rng.choice(['get', 'put', 'scan', 'merge', 'check', 'load'])}_{module}_{number}"
    shape = number % 5
    if shape == 0:
        return [
            f"def {name}(table: dict[str, str], key: str, default: str = '') -> str:",
            "    if not key:",
            '        raise ValueError("empty key")',
            "    value = table.get(key)",
            "    return default if value is None else value.strip()",
        ]  # fmt: skip
    if shape == 1:
        return [
            f"def {name}(entries: list[tuple[str, str | None]]) -> dict[str, str]:",
            f'    """Replay {module} entries in order: the last write of each key wins."""',
            "    result: dict[str, str] = {}",
            "    for key, value in entries:",
            "        if value is None:",
            "            result.pop(key, None)",
            "        else:",
            "            result[key] = value",
            "    return result",
        ]
    if shape == 2:
        return [
            f"def {name}(path, limit=100):",
            "    import os",
            "    lines = []",
            "    with open(path) as handle:",
            "        for line in handle:",
            "            if line.startswith('#'): continue",
            "            if len(lines) >= limit:",
            "                break",
            "            lines.append(line.rstrip('\\n'))",
            "    return lines",
        ]
    if shape == 3:
        return [
            f"def {name}(store, op, key, value=None, strict=False):",
            "    if op == 'get' and key in store:",
            "        return store[key]",
            "    elif op == 'put' and value is not None:",
            "        store[key] = value",
            "    elif op == 'delete' and key in store:",
            "        del store[key]",
            "    elif op == 'has' or op == 'exists':",
            "        return key in store",
            "    elif op == 'clear' and not strict:",
            "        store.clear()",
            "    return None",
        ]
    return [
        f"def {name}(items: list[str], width: int = 8) -> list[list[str]]:",
        f'    """Split {module} keys into batches of ``width``."""',
        "    return [items[start : start + width] for start in range(0, len(items), width)]",
    ]


def write_submission(tree: Path, seed: int = 7) -> int:
    """FILES Python modules of LINES_PER_FILE lines, FUNCTIONS functions each; lines written."""
    rng = random.Random(seed)
    tree.mkdir(parents=True)
    (tree / "README.md").write_text("# KV store\n\nRun `python -m kvstore`.\n")
    total = 0
    for index, module in enumerate(["kvstore", "storage", "wal", "compaction", "server"][:FILES]):
        lines = [f'"""The {module} part of the key-value store."""', "",
                 "from __future__ import annotations", "", ""]  # fmt: skip
        for number in range(FUNCTIONS):
            lines += [*_function(rng, module, index * FUNCTIONS + number), "", ""]
        lines = lines[:LINES_PER_FILE]
        filler = 0
        while len(lines) < LINES_PER_FILE:
            lines.append(f"LIMIT_{filler} = {filler * 64}")
            filler += 1
        (tree / f"{module}.py").write_text("\n".join(lines) + "\n")
        total += len(lines)
    return total


# --- the one real scorecard -------------------------------------------------------------------


def graded_card(challenge: Challenge, tree: Path) -> Scorecard:
    """The submission graded as a worker would store it (the suite's results made here,
    lint, complexity and the card measured for real), with placeholder id and commit."""
    cases = [(group, case) for group, found in challenge.groups.items() for case in found]
    results = [
        CaseResult(node_id=case.node_id, name=case.name, group=group, duration=0.01,
                   status=CaseStatus.FAILED if index < 2 else CaseStatus.PASSED,
                   message="AssertionError: assert None == 'v'" if index < 2 else "")
        for index, (group, case) in enumerate(cases)
    ]  # fmt: skip
    measured = SuiteMeasurement(
        outcome=Outcome.TEST_FAILURES, reason="graded", results=results, flags=[],
        suite_seconds=0.5, pytest_version="8.3.0", python_version="3.11.2", output_bytes=12,
        output_excerpt="printed\n",
    )  # fmt: skip
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    commits = [CommitInfo(sha=COMMIT, short=COMMIT[:7], author_name="Cand Idate",
                          author_email="cand@example.org", authored_at=moment,
                          committed_at=moment, subject="first cut", files_changed=6,
                          insertions=2000, deletions=0, merge=False, late=False)]  # fmt: skip
    history = HistoryMeasurement(
        commits=commits, window_start=moment, window_end=moment + timedelta(hours=4),
        graded_commit=COMMIT, late_commits=0, early_commits=0, span_hours=0.0,
        single_commit=True, largest_commit_share=1.0, time_source="commit dates",
        dates_can_be_forged=True, push_time=None, shallow=False, truncated=False,
    )  # fmt: skip
    starter = challenge.root / "starter"
    measurements = Measurements(
        lint=measure_lint(tree, starter, challenge.config.measure.lint_select),
        complexity=measure_complexity(tree, starter, challenge.config.measure.complexity_threshold),
        history=history,
    )  # fmt: skip
    provenance = Provenance(
        commit=COMMIT, image_id=IMAGE, suite_hash=SUITE, rubric_version=challenge.rubric.version,
        challenge_version=challenge.config.version, tool_versions={"takehome": "0.1.0"},
        timings={"run": 0.9}, graded_at=datetime.now(UTC).replace(microsecond=0), head=COMMIT,
    )  # fmt: skip
    info = SubmissionInfo(id=ALIAS, source=f"/srv/{ALIAS}", ref=None, commit=COMMIT)
    flags = [Flag(kind="history", message=note) for note in history.flags()]
    return build_scorecard(challenge, info, measured, provenance, flags, measurements)


def ratings_for(card: Scorecard, level: int, note: str) -> dict[str, DraftRating]:
    """A full rating of every human row, as the review form posts it."""
    return {
        row.id: DraftRating(level=level if row.levels else None,
                            items=None if row.levels else [item.id for item in row.items[:1]],
                            justification=f"{note}: see kvstore.py:12 and wal.py:40")
        for row in card.criteria if isinstance(row, HumanRow)
    }  # fmt: skip


# --- the store --------------------------------------------------------------------------------


def _inserted(connection: Any, model: type[SubmissionRow | RunRow | ScorecardRow],
              rows: list[dict[str, Any]]) -> list[int]:  # fmt: skip
    """Insert ``rows`` in one executemany; their new ids in the same order."""
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return [row[0] for row in connection.execute(statement, rows)]


def fill(store: Store, challenge: Challenge, card: Scorecard, source_json: str) -> int:
    """The cohort, its reviewers, assignments and reviews; the measured submission's id."""
    # The measured submission the way a queue worker stores it, with its source.
    key = idempotency_key(ALIAS, f"/srv/{ALIAS}", COMMIT, SUITE, IMAGE)
    measured = store.submission_for(challenge.config.id, ALIAS, f"/srv/{ALIAS}", None)
    run_id, claimed = store.start_run(measured, key, COMMIT, SUITE, IMAGE)
    assert claimed
    store.finish_run(run_id, card, source_json)
    # The other submissions in bulk: the same card re-keyed (id and commit), no source.
    template, now = card.model_dump_json(), datetime.now(UTC)
    columns = dict(outcome=card.outcome.value, status=card.status.value,
                   auto_score=card.auto_score, score=card.score, tests_passed=card.tests.passed,
                   tests_total=card.tests.total, auto_max_score=card.auto_max_score,
                   max_score=card.max_score, flags=len(alarms(card.flags)))  # fmt: skip
    aliases = [f"cand-{number:05d}" for number in range(1, SUBMISSIONS)]
    commits = [f"{number:040x}" for number in range(1, SUBMISSIONS)]
    with store.engine.begin() as connection:
        submissions = _inserted(connection, SubmissionRow, [
            dict(alias=alias, challenge_id=challenge.config.id, source=f"/srv/{alias}", ref=None,
                 created_at=now, push_time=None) for alias in aliases
        ])  # fmt: skip
        runs = _inserted(connection, RunRow, [
            dict(submission_id=submission, head=commit, commit=commit, suite_hash=SUITE,
                 image_id=IMAGE, status="done", attempts=1, started_at=now, finished_at=now,
                 outcome=card.outcome.value, reason=None,
                 idempotency_key=idempotency_key(alias, f"/srv/{alias}", commit, SUITE, IMAGE))
            for submission, alias, commit in zip(submissions, aliases, commits, strict=True)
        ])  # fmt: skip
        _inserted(connection, ScorecardRow, [
            dict(run_id=run, data=template.replace(ALIAS, alias).replace(COMMIT, commit),
                 created_at=now, card_id=alias, **columns)
            for run, alias, commit in zip(runs, aliases, commits, strict=True)
        ])  # fmt: skip
    for number in range(REVIEWERS):
        store.add_reviewer(f"rev{number:02d}", Role.REVIEWER)
    store.assign_pending(PER_SUBMISSION)
    # Two submitted reviews of each submission: by the reviewers assigned to it.
    with store.engine.connect() as connection:
        cards = dict(connection.execute(
            select(RunRow.submission_id, ScorecardRow.id)
            .join(ScorecardRow, ScorecardRow.run_id == RunRow.id)
        ).all())  # fmt: skip
    drafts: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    made: dict[str, tuple[str, str, datetime]] = {}
    for reviewer in store.reviewers():
        ratings = ratings_for(card, 1 + reviewer.id % 4, f"{reviewer.name} read it")
        given = {row: RatingInput(**rating.model_dump()) for row, rating in ratings.items()}
        review = build_review(card, reviewer.name, given, label(measured))
        made[reviewer.name] = (DraftRatings(ratings=ratings).model_dump_json(),
                               review.model_dump_json(), review.submitted_at)  # fmt: skip
    by_id = {reviewer.id: reviewer.name for reviewer in store.reviewers()}
    with store.engine.connect() as connection:
        pairs = connection.execute(
            select(AssignmentRow.submission_id, AssignmentRow.reviewer_id)
        ).all()
    for submission, reviewer_id in pairs:
        name = by_id[reviewer_id]
        data, review_json, submitted = made[name]
        scorecard = cards[submission]
        drafts.append(dict(submission_id=submission, reviewer_id=reviewer_id,
                           scorecard_id=scorecard, data=data, version=3, opened_at=now,
                           seen_at=now, active_seconds=312.5, submitted_at=now))  # fmt: skip
        reviews.append(dict(scorecard_id=scorecard, reviewer=name, data=review_json,
                            submitted_at=submitted, seconds=312.5))  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(DraftRow), drafts)
        connection.execute(insert(ReviewRow), reviews)
    return measured


# --- serving and timing -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


def _timed(request: Callable[[], httpx.Response], expected: int) -> float:
    started = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - started
    assert response.status_code == expected, (response.status_code, response.text[:300])
    return elapsed


def _figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]
    return (f"p50 {statistics.median(ordered) * 1000:6.1f}  p95 {p95 * 1000:6.1f}  "
            f"max {ordered[-1] * 1000:6.1f} ms")  # fmt: skip


def measure(store: Store, challenge: Challenge, card: Scorecard, submission: int,
            count: int) -> dict[str, list[float]]:  # fmt: skip
    config = WebConfig(public_url=PUBLIC, webhook_secret=None, portal_secret=None,
                       challenges=lambda _: challenge)  # fmt: skip
    review = ReviewConfig(public_url=PUBLIC, per_submission=PER_SUBMISSION, blind=True)
    app = create_app(config, store, lambda _: None, review)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off", server_header=False))  # fmt: skip
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    name = store.assignees(submission)[0]
    token = login_link(store, name, PUBLIC, create=False).rsplit("/", 1)[-1]
    timings: dict[str, list[float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            assert client.post("/login", data={"token": token}).status_code == 303
            page = f"/review/{submission}"
            timings["GET /review/{id} cold"] = [_timed(lambda: client.get(page), 200)]
            html = client.get(page).text
            assert "data-line=" in html, "the code view is not on the review page"
            queue = client.get("/review").text
            listed = queue.count('href="/review/')
            for what, request, expected in (
                ("GET /review (queue)", lambda: client.get("/review"), 200),
                ("GET /review/{id} warm", lambda: client.get(page), 200),
            ):
                runs = [_timed(request, expected) for _ in range(WARMUP + count)]
                timings[what] = runs[WARMUP:]
            form: dict[str, Any] = {"csrf": _field(html, "csrf"), "action": "save"}
            for row, rating in ratings_for(card, 2, "a second look").items():
                form[f"kind:{row}"] = "levels" if rating.level is not None else "items"
                if rating.level is not None:
                    form[f"level:{row}"] = str(rating.level)
                else:
                    form[f"items:{row}"] = rating.items
                form[f"justification:{row}"] = rating.justification
            version = int(_field(client.get(page).text, "version"))
            saves: list[float] = []
            for _ in range(WARMUP + count):
                form["version"] = version
                saves.append(_timed(lambda: client.post(page, data=form), 303))
                version += 1
            timings["POST /review/{id} save"] = saves[WARMUP:]
            assert int(_field(client.get(page).text, "version")) == version
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print(f"  signed in as {name}: {listed} submissions listed on the queue page")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--url", help="an empty database (default: a temporary SQLite file)")
    options = parser.parse_args()
    challenge = load_challenge("kv-store", available())
    root = Path(tempfile.mkdtemp(prefix="takehome-review-bench-"))
    try:
        started = time.perf_counter()
        lines = write_submission(root / "tree")
        card = graded_card(challenge, root / "tree")
        source = capture_source(root / "tree", challenge.root / "starter", COMMIT, [ALIAS])
        graded = time.perf_counter() - started
        url = options.url or f"sqlite:///{root / 'takehome.db'}"
        with Store.open(url) as store:
            started = time.perf_counter()
            submission = fill(store, challenge, card, source.model_dump_json())
            built = time.perf_counter() - started
            print(f"review_app.py: {store.name.split(':')[0]} store; {SUBMISSIONS} scorecards, "
                  f"{REVIEWERS} reviewers, {PER_SUBMISSION} assigned and {PER_SUBMISSION} "
                  f"reviews per submission, built in {built:.1f}s (the {lines}-line submission "
                  f"graded and captured in {graded:.1f}s)")  # fmt: skip
            timings = measure(store, challenge, card, submission, options.requests)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"  wall time per request, one keep-alive client on loopback, {options.requests} "
          f"requests each after {WARMUP} warmups (target p95 < 150 ms):")  # fmt: skip
    for what, samples in timings.items():
        shown = (
            f"{samples[0] * 1000:.1f} ms (1 request)" if len(samples) == 1 else _figures(samples)
        )
        print(f"  {what:<26} {shown}")


if __name__ == "__main__":
    main()
