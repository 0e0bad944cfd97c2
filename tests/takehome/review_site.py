"""A review app on loopback with real scorecards, sources, reviewers and sessions.

The submissions are the bundled challenge's reference solution, copied into a tree that plants
the candidate's identity everywhere a real one leaks it (a README, a file name, a comment,
commit authors, the repository URL), graded into real scorecards (the suite's results made
here, everything else measured for real) and stored the way a queue worker stores them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from challenges.load import Challenge
from graders.base import Outcome, Submission
from graders.complexity import measure_complexity
from graders.hidden_suite import CaseResult, CaseStatus
from graders.hidden_suite import SuiteMeasurement as Measured
from graders.history.commits import CommitInfo, HistoryMeasurement
from graders.identity import identity_tokens
from graders.lint import measure_lint
from graders.similarity.grader import SimilarityGrader
from reports.scorecard import Flag, Measurements, Provenance, Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from runner.review_desk.accounts import login_link
from runner.similarity_index import index_quietly
from runner.source_capture import capture_source
from runner.store.runs import Store, idempotency_key
from takehome.web.app import create_app
from takehome.web.config import WebConfig
from tests.takehome.live_server import Recorder, loader, running

IDENTITY = ["Kind Human", "kindhuman42", "kind.human@example.org",
            "https://github.com/kindhuman42/kv-store", "KindHuman"]  # fmt: skip
"""Planted in every candidate tree: none may appear on a blind page."""
SUITE, IMAGE = "f" * 64, "sha256:" + "ab" * 32
PUBLIC = "http://review.test"


def candidate_tree(root: Path, challenge: Challenge, extra: str = "") -> Path:
    """The reference solution, signed by the candidate in the ways real repositories are."""
    tree = root / "tree"
    shutil.copytree(challenge.root / "solution", tree, ignore=shutil.ignore_patterns("__pycache__"))
    (tree / "README.md").write_text(
        "# KV store by Kind Human\n\nReach me at kind.human@example.org or "
        "[my profile](https://github.com/kindhuman42).\n\n<script>alert(1)</script>\n"
    )
    (tree / "kindhuman42_helpers.py").write_text(
        '"""Helpers KindHuman wrote."""\n\n\ndef unused(x):\n    import os\n'
        f"    return x  # {extra}\n"
    )
    return tree


def graded_card(challenge: Challenge, tree: Path, commit: str, failing: int = 2) -> Scorecard:
    cases = [(group, case) for group, found in challenge.groups.items() for case in found]
    results = [
        CaseResult(node_id=case.node_id, name=case.name, group=group, duration=0.01,
                   status=CaseStatus.FAILED if index < failing else CaseStatus.PASSED,
                   message="AssertionError: assert None == 'v'" if index < failing else "")
        for index, (group, case) in enumerate(cases)
    ]  # fmt: skip
    measured = Measured(
        outcome=Outcome.TEST_FAILURES if failing else Outcome.PASSED, reason="graded",
        results=results, flags=[], suite_seconds=0.5, pytest_version="8.3.0",
        python_version="3.11.2", output_bytes=12, output_excerpt="printed\n",
    )  # fmt: skip
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    commits = [CommitInfo(sha=commit, short=commit[:7], author_name="Kind Human",
                          author_email="kind.human@example.org", authored_at=moment,
                          committed_at=moment, subject="kindhuman42: first cut",
                          files_changed=2, insertions=120, deletions=0, merge=False,
                          late=False)]  # fmt: skip
    history = HistoryMeasurement(
        commits=commits, window_start=moment, window_end=moment + timedelta(hours=4),
        graded_commit=commit, late_commits=0, early_commits=0, span_hours=0.0,
        single_commit=True, largest_commit_share=1.0, time_source="commit dates",
        dates_can_be_forged=True, push_time=None, shallow=False, truncated=False,
    )  # fmt: skip
    starter = challenge.root / "starter"
    measurements = Measurements(
        lint=measure_lint(tree, starter, challenge.config.measure.lint_select),
        complexity=measure_complexity(tree, starter, 10), history=history,
        similarity=SimilarityGrader().measure(Submission(challenge, tree, None, commit=commit)),
    )  # fmt: skip
    provenance = Provenance(
        commit=commit, image_id=IMAGE, suite_hash=SUITE, rubric_version=challenge.rubric.version,
        challenge_version=challenge.config.version, tool_versions={"takehome": "0.1.0"},
        timings={"run": 0.9}, graded_at=datetime.now(UTC).replace(microsecond=0), head=commit,
    )  # fmt: skip
    info = SubmissionInfo(id="kindhuman42", source=IDENTITY[3], ref=None, commit=commit)
    flags = [Flag(kind="history", message=note) for note in history.flags()]
    flags.append(Flag(kind="static", message="kindhuman42_helpers.py:5: process: import os"))
    return build_scorecard(challenge, info, measured, provenance, flags, measurements)


def store_grade(store: Store, challenge: Challenge, tree: Path, commit: str,
                alias: str = "kindhuman42") -> int:  # fmt: skip
    """Grade ``tree`` at ``commit`` as a worker would store it; the submission's id."""
    card = graded_card(challenge, tree, commit)
    tokens = identity_tokens(IDENTITY[3], [("Kind Human", "kind.human@example.org")], tree,
                             (alias,))  # fmt: skip
    source = capture_source(tree, challenge.root / "starter", commit, tokens)
    submission = store.submission_for(challenge.config.id, alias, IDENTITY[3], None)
    key = idempotency_key(alias, IDENTITY[3], commit, SUITE, IMAGE)
    run_id, claimed = store.start_run(submission, key, commit, SUITE, IMAGE)
    assert claimed
    store.finish_run(run_id, card, source.model_dump_json())
    index_quietly(store, challenge, submission, source, commit)  # as a queue worker does
    return submission


@dataclass
class ReviewSite:
    base: str
    store: Store
    challenge: Challenge
    root: Path
    clients: list[httpx.Client] = field(default_factory=list)

    def link(self, name: str, manager: bool = False) -> str:
        """A new account's one-time link, as a path on this server."""
        return login_link(self.store, name, PUBLIC, manager=manager).removeprefix(PUBLIC)

    def client(self) -> httpx.Client:
        made = httpx.Client(base_url=self.base, timeout=30)
        self.clients.append(made)
        return made

    def signed_in(self, name: str, manager: bool = False) -> httpx.Client:
        client = self.client()
        token = self.link(name, manager).rsplit("/", 1)[-1]
        answer = client.post("/login", data={"token": token})
        assert answer.status_code == 303, answer.text
        return client

    def grade(self, commit: str, alias: str = "kindhuman42", extra: str = "") -> int:
        tree = candidate_tree(self.root / commit[:8] / alias, self.challenge, extra)
        return store_grade(self.store, self.challenge, tree, commit, alias)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def version_of(html: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "no version on the page"
    return int(found.group(1))


def serve_review_site(tmp_path: Path, challenge: Challenge, per_submission: int = 2,
                      blind: bool = True) -> Iterator[ReviewSite]:  # fmt: skip
    from takehome.web.review_session import ReviewConfig

    config = WebConfig(public_url=PUBLIC, webhook_secret=None, portal_secret=None,
                       challenges=loader((challenge.config.id, challenge)))  # fmt: skip
    review = ReviewConfig(public_url=PUBLIC, per_submission=per_submission, blind=blind)
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as store:
        app = create_app(config, store, Recorder(), review)
        with running(app) as base:
            site = ReviewSite(base, store, challenge, tmp_path)
            try:
                yield site
            finally:
                for client in site.clients:
                    client.close()
