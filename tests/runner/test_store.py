"""The store against SQLite (a temporary file) and a real PostgreSQL server started here.

Every store test runs on both databases: the exactly-once guarantees rest on each database's
unique constraints and locking, which differ. The PostgreSQL server is Debian's (initdb and
postgres from /usr/lib/postgresql/15/bin, run as the ``postgres`` user when we are root); a
machine without it fails these tests, it never skips them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select, text, update
from sqlalchemy.engine import make_url

from challenges.load import Challenge
from graders.base import Outcome
from graders.hidden_suite import CaseResult, CaseStatus
from graders.hidden_suite import SuiteMeasurement as Measured  # not a pytest class
from reports.scorecard import (
    Decision,
    Flag,
    HumanRow,
    Measurements,
    Provenance,
    Rating,
    Recommendation,
    Review,
    Scorecard,
    Status,
    SubmissionInfo,
)
from reports.scoring import build_scorecard
from runner.store.models import (
    METADATA,
    TABLES,
    AuditRow,
    RunRow,
    ScorecardRow,
    SubmissionRow,
)
from runner.store.runs import Store, StoreError, idempotency_key

PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    default=Path("/usr/lib/postgresql/15/bin"),
    key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
)
SUITE = "f" * 64
IMAGE = "sha256:" + "ab" * 32
DECIDED = datetime(2026, 11, 24, tzinfo=UTC)


# --- a real PostgreSQL server --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(*command: str | Path) -> list[str]:
    """The command run as the ``postgres`` user (PostgreSQL refuses to run as root)."""
    argv = [str(part) for part in command]
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _check_tools() -> None:
    missing = [str(PG_BIN / name) for name in ("initdb", "postgres", "pg_ctl")
               if not (PG_BIN / name).is_file()]  # fmt: skip
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser (util-linux)")
    if missing:
        pytest.fail(
            f"store tests need PostgreSQL and runuser; missing: {', '.join(missing)} "
            "(scripts/setup.sh installs them: apt-get install postgresql)",
            pytrace=False,
        )


def _admin(port: int, database: str = "postgres") -> psycopg.Connection[Any]:
    return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=database,
                           connect_timeout=2, autocommit=True)  # fmt: skip


def _wait_for(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with _admin(port) as connection:
                connection.execute("CREATE DATABASE takehome")
                return
        except psycopg.OperationalError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"PostgreSQL did not start ({error}):\n{log.read_text()}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server on loopback; the URL of its ``takehome`` database."""
    _check_tools()
    base = Path(tempfile.mkdtemp(prefix="takehome-pg-"))
    data, log_path = base / "data", base / "server.log"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    created = subprocess.run(
        _as_postgres(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-N"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if created.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {created.stderr.strip()}", pytrace=False)
    port = _free_port()
    with log_path.open("wb") as log:
        # -F: no fsync, a test server's data is thrown away anyway.
        server = subprocess.Popen(
            _as_postgres(PG_BIN / "postgres", "-D", data, "-k", data, "-p", str(port),
                         "-h", "127.0.0.1", "-F"),
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for(server, port, log_path)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/takehome"
    finally:
        subprocess.run(_as_postgres(PG_BIN / "pg_ctl", "stop", "-D", data, "-m", "fast", "-w"),
                       capture_output=True, check=False)  # fmt: skip
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a new SQLite file, or the test server's database emptied (its
    schema dropped and made again: ten times faster than CREATE DATABASE)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'takehome.db'}"
    server: str = request.getfixturevalue("postgres_server")
    with _admin(make_url(server).port or 5432, "takehome") as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return server


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store.open(url) as opened:
        yield opened


# --- scorecards -------------------------------------------------------------------------------

CardFactory = Callable[..., Scorecard]


@pytest.fixture
def make_card(kv_store: Challenge) -> CardFactory:
    """A real scorecard of the bundled challenge: ``failing`` tests failed, the rest passed."""

    def make(alias: str = "alice", commit: str = "a" * 40, failing: int = 1) -> Scorecard:
        cases = [(group, case) for group, found in kv_store.groups.items() for case in found]
        results = [
            CaseResult(node_id=case.node_id, name=case.name, group=group, duration=0.01,
                       status=CaseStatus.FAILED if index < failing else CaseStatus.PASSED,
                       message="AssertionError: é ✓ <b>" if index < failing else "")
            for index, (group, case) in enumerate(cases)
        ]  # fmt: skip
        measurement = Measured(
            outcome=Outcome.TEST_FAILURES if failing else Outcome.PASSED, reason="graded",
            results=results, flags=[], suite_seconds=0.5, pytest_version="7.2.1",
            python_version="3.11.2", output_bytes=12, output_excerpt="printed\n",
        )  # fmt: skip
        provenance = Provenance(
            commit=commit, image_id=IMAGE, suite_hash=SUITE,
            rubric_version=kv_store.rubric.version, challenge_version=kv_store.config.version,
            tool_versions={"takehome": "0.1.0"}, timings={"run": 0.9},
            graded_at=datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC), head=commit,
        )  # fmt: skip
        info = SubmissionInfo(id=alias, source=f"https://github.com/{alias}/kv", ref=None,
                              commit=commit)  # fmt: skip
        flags = [Flag(kind="static", message='a symlink was not exported: \u2028 "quoted"')]
        return build_scorecard(kv_store, info, measurement, provenance, flags)

    return make


def _graded(store: Store, card: Scorecard, challenge: str = "kv-store") -> tuple[str, int]:
    """Record ``card`` as the grade of its submission's commit: the key and scorecard id."""
    alias, source = card.submission.id, card.submission.source
    sub = store.submission_for(challenge, alias, source, card.submission.ref)
    key = idempotency_key(alias, source, card.provenance.commit, SUITE, IMAGE)
    run_id, claimed = store.start_run(sub, key, card.provenance.commit, SUITE, IMAGE)
    assert claimed
    return key, store.finish_run(run_id, card)


def _run_row(store: Store, run_id: int) -> dict[str, Any]:
    with store.engine.connect() as connection:
        row = connection.execute(select(RunRow.__table__).where(RunRow.id == run_id)).one()
    return dict(row._mapping)


def _race(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions at the same moment in threads; their results (or exceptions)."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def one(index: int) -> None:
        barrier.wait()
        try:
            results[index] = actions[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=one, args=(index,)) for index in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# --- schema -----------------------------------------------------------------------------------


def test_migrations_create_every_table_and_reopening_is_fine(url: str) -> None:
    with Store.open(url) as store:
        names = set(inspect(store.engine).get_table_names())
        assert names == {*TABLES, "alembic_version"}
        expected = {"invitations", "submissions", "runs", "scorecards", "reviews", "decisions",
                    "deliveries", "audit_log", "sources", "reviewers", "login_links",
                    "web_sessions", "assignments", "review_drafts", "fingerprint_sets",
                    "fingerprints"}  # fmt: skip
        assert expected == TABLES
        with store.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalar_one() == "0005"
            with warnings.catch_warnings():  # expression indexes are not compared, only tested
                warnings.filterwarnings("ignore", message=".*expression-based index")
                differences = compare_metadata(MigrationContext.configure(connection),
                                               METADATA)  # fmt: skip
            assert differences == [], "the models and the migrations disagree"
        assert store.record_delivery("d-1", "push", "alice/kv")
    with Store.open(url) as again:  # already at head: nothing to do, data kept
        assert again.count("deliveries") == 1


def test_sqlite_is_in_wal_mode_with_foreign_keys_and_reads_never_wait(tmp_path: Path) -> None:
    path = tmp_path / "takehome.db"
    with Store.open(f"sqlite:///{path}") as store:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            writer.execute("INSERT INTO deliveries VALUES ('x', '2026-01-01', 'push', 'r')")
            # Not blocked (a blocked read would wait out busy_timeout, then raise "database is
            # locked"), and not seeing what is uncommitted.
            assert store.count("deliveries") == 0
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def test_unreachable_postgres_is_one_line_store_error() -> None:
    url = f"postgresql+psycopg://postgres:secret@127.0.0.1:{_free_port()}/takehome"
    with pytest.raises(StoreError, match="cannot connect") as caught:
        Store.open(url)
    message = str(caught.value)
    assert message.startswith(f"postgresql+psycopg://postgres:***@{url.split('@')[1]}: "
                              "cannot connect: ")  # fmt: skip
    assert "\n" not in message
    assert "secret" not in message
    assert "refused" in message.lower()


def test_bad_urls_are_store_errors(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path}/missing/dir/x.db"
    for url, expected in [("nonsense", "not a database URL"),
                          ("mysql://db/takehome", "unsupported database"),
                          (missing, "cannot connect")]:  # fmt: skip
        with pytest.raises(StoreError, match=expected):
            Store.open(url)


def test_count_rejects_unknown_tables(store: Store) -> None:
    with pytest.raises(StoreError, match="not a table of the store"):
        store.count("alembic_version; DROP TABLE runs")


# --- submissions and runs ---------------------------------------------------------------------


def test_submission_for_gets_or_creates(store: Store) -> None:
    first = store.submission_for("kv-store", "alice", "https://github.com/alice/kv", None)
    assert store.submission_for("kv-store", "alice", "https://github.com/alice/kv", None) == first
    other_ref = store.submission_for("kv-store", "alice", "https://github.com/alice/kv", "main")
    other_challenge = store.submission_for("todo", "alice", "https://github.com/alice/kv", None)
    assert len({first, other_ref, other_challenge}) == 3
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    bob = store.submission_for("kv-store", "bob", "b", None, push_time=late)
    assert store.submission_for("kv-store", "bob", "b", None, push_time=early) == bob
    assert store.count("submissions") == 4
    with store.engine.connect() as connection:
        kept = connection.execute(select(SubmissionRow.push_time).where(SubmissionRow.id == bob))
        assert kept.scalar_one() == late  # the later push is kept, in UTC, timezone-aware


def test_submission_for_races_to_one_row(store: Store) -> None:
    for round_ in range(5):
        alias = f"a{round_}"
        ids = _race(*[lambda alias=alias: store.submission_for("kv", alias, "s", None)] * 2)
        assert isinstance(ids[0], int), ids
        assert ids[0] == ids[1]
    assert store.count("submissions") == 5


def test_idempotency_key_is_sha256_of_every_part() -> None:
    key = idempotency_key("alice", "https://x/a", "c" * 40, SUITE, IMAGE)
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == idempotency_key("alice", "https://x/a", "c" * 40, SUITE, IMAGE)
    assert idempotency_key("a", "bc", "h", "s", "i") != idempotency_key("ab", "c", "h", "s", "i")
    assert key != idempotency_key("alice", "https://x/a", "c" * 40, SUITE, "sha256:other")


def test_start_run_is_exactly_once(store: Store, make_card: CardFactory) -> None:
    sub = store.submission_for("kv-store", "alice", "https://github.com/alice/kv", None)
    key = idempotency_key("alice", "https://github.com/alice/kv", "a" * 40, SUITE, IMAGE)
    run_id, claimed = store.start_run(sub, key, "a" * 40, SUITE, IMAGE)
    assert claimed
    assert store.start_run(sub, key, "a" * 40, SUITE, IMAGE) == (run_id, False)  # held
    store.fail_run(run_id, "engine went away")
    assert _run_row(store, run_id)["reason"] == "engine went away"
    assert store.start_run(sub, key, "a" * 40, SUITE, IMAGE) == (run_id, True)  # retried
    row = _run_row(store, run_id)
    assert (row["status"], row["attempts"], row["reason"]) == ("running", 2, None)
    assert store.scorecard_for_key(key) is None
    store.finish_run(run_id, make_card())
    assert store.start_run(sub, key, "a" * 40, SUITE, IMAGE) == (run_id, False)  # done
    row = _run_row(store, run_id)
    assert (row["status"], row["commit"], row["outcome"]) == ("done", "a" * 40, "test_failures")
    assert store.count("runs") == 1
    with pytest.raises(StoreError, match="submission 999 does not exist"):
        store.start_run(999, "k" * 64, None, SUITE, IMAGE)


def test_racing_start_run_gives_one_run_and_one_claim(store: Store) -> None:
    sub = store.submission_for("kv-store", "alice", "https://github.com/alice/kv", None)
    for round_ in range(10):
        key = idempotency_key("alice", "src", f"head-{round_}", SUITE, IMAGE)
        results = _race(*[lambda key=key: store.start_run(sub, key, "h", SUITE, IMAGE)] * 2)
        assert all(isinstance(result, tuple) for result in results), results
        assert results[0][0] == results[1][0]
        assert sorted(claimed for _, claimed in results) == [False, True]
    assert store.count("runs") == 10


def test_a_dead_workers_claim_is_taken_over_after_the_lease(url: str, make_card: CardFactory
                                                             ) -> None:  # fmt: skip
    with Store.open(url, lease=timedelta(0)) as store:
        sub = store.submission_for("kv-store", "alice", "src", None)
        run_id, _ = store.start_run(sub, "k" * 64, "h", SUITE, IMAGE)
        assert store.start_run(sub, "k" * 64, "h", SUITE, IMAGE) == (run_id, True)
        assert _run_row(store, run_id)["attempts"] == 2
        store.finish_run(run_id, make_card())
        with pytest.raises(StoreError, match="already done"):
            store.finish_run(run_id, make_card())  # the slow first worker, too late


def test_finishing_twice_is_a_store_error(store: Store, make_card: CardFactory) -> None:
    key, _ = _graded(store, make_card())
    run_id = _run_row_id(store, key)
    with pytest.raises(StoreError, match=rf"^run {run_id} is already done: .* recorded once$"):
        store.finish_run(run_id, make_card(failing=0))
    with pytest.raises(StoreError, match="already done"):
        store.fail_run(run_id, "late infra error")
    with pytest.raises(StoreError, match="run 4242 does not exist"):
        store.finish_run(4242, make_card())
    assert store.count("scorecards") == 1
    assert store.scorecard_for_key(key) == make_card()


def _run_row_id(store: Store, key: str) -> int:
    with store.engine.connect() as connection:
        found = connection.execute(select(RunRow.id).where(RunRow.idempotency_key == key))
        return int(found.scalar_one())


def test_racing_finishes_record_one_scorecard(store: Store, make_card: CardFactory) -> None:
    sub = store.submission_for("kv-store", "alice", "src", None)
    run_id, _ = store.start_run(sub, "k" * 64, "h", SUITE, IMAGE)
    card = make_card()
    results = _race(lambda: store.finish_run(run_id, card), lambda: store.finish_run(run_id, card))
    assert sorted(type(result).__name__ for result in results) == ["StoreError", "int"], results
    assert store.count("scorecards") == 1


def test_a_failed_finish_leaves_nothing_half_written(
    store: Store, make_card: CardFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = store.submission_for("kv-store", "alice", "src", None)
    run_id, _ = store.start_run(sub, "k" * 64, "h", SUITE, IMAGE)
    card = make_card()

    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("serialisation failed")

    with monkeypatch.context() as patch:  # fails after the run row was updated
        patch.setattr(Scorecard, "model_dump_json", fail)
        with pytest.raises(RuntimeError, match="serialisation failed"):
            store.finish_run(run_id, card)
    row = _run_row(store, run_id)
    assert (row["status"], row["finished_at"], row["outcome"]) == ("running", None, None)
    assert store.count("scorecards") == 0
    store.finish_run(run_id, card)  # the run can still be finished, once
    assert store.count("scorecards") == 1


# --- scorecards -------------------------------------------------------------------------------


def test_a_scorecard_round_trips_exactly(store: Store, make_card: CardFactory) -> None:
    card = make_card()
    key, _ = _graded(store, card)
    stored = store.scorecard_for_key(key)
    assert stored == card
    assert stored is not None
    assert stored.model_dump_json() == card.model_dump_json()
    assert stored.provenance.graded_at == datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=UTC)
    assert store.scorecard_for_key("0" * 64) is None


def test_a_damaged_stored_scorecard_is_a_store_error(store: Store, make_card: CardFactory
                                                     ) -> None:  # fmt: skip
    key, scorecard_id = _graded(store, make_card())
    damaged = json.loads(make_card().model_dump_json()) | {"schema_version": 99}
    with store.engine.begin() as connection:
        connection.execute(update(ScorecardRow).where(ScorecardRow.id == scorecard_id)
                           .values(data=json.dumps(damaged)))  # fmt: skip
    with pytest.raises(StoreError, match=f"scorecard {scorecard_id}.*schema_version"):
        store.scorecard_for_key(key)


def test_latest_scorecards_are_the_newest_per_alias(store: Store, make_card: CardFactory) -> None:
    _graded(store, make_card("alice", commit="1" * 40, failing=3))
    _graded(store, make_card("bob", commit="2" * 40))
    _graded(store, make_card("alice", commit="3" * 40, failing=0))
    _graded(store, make_card("carol", commit="4" * 40), challenge="other")
    latest = store.latest_scorecards("kv-store")
    assert [(card.submission.id, card.provenance.commit) for card in latest] == [
        ("alice", "3" * 40), ("bob", "2" * 40)]  # fmt: skip
    assert latest[0].outcome is Outcome.PASSED
    assert store.latest_scorecards("nothing") == []


# --- webhooks, reviews, decisions, audit --------------------------------------------------------


def test_a_replayed_delivery_is_refused(store: Store) -> None:
    assert store.record_delivery("72d3162e-cc78", "push", "alice/kv") is True
    assert store.record_delivery("72d3162e-cc78", "push", "alice/kv") is False
    assert store.record_delivery("another", "push", "alice/kv") is True
    assert store.count("deliveries") == 2


def _review(card: Scorecard, reviewer: str, level: int) -> Review:
    ratings = [Rating(row=row.id, level=level if row.levels else None,
                      items=None if row.levels else [item.id for item in row.items],
                      justification="clear")
               for row in card.criteria if isinstance(row, HumanRow)]  # fmt: skip
    return Review(reviewer=reviewer, submitted_at=datetime(2026, 11, 23, tzinfo=UTC),
                  ratings=ratings)  # fmt: skip


def test_reviews_once_per_reviewer_then_one_decision(store: Store, make_card: CardFactory) -> None:
    card = make_card()
    key, scorecard_id = _graded(store, card)
    store.add_review(scorecard_id, _review(card, "rita", 3))
    with pytest.raises(StoreError, match=f"rita has already rated scorecard {scorecard_id}"):
        store.add_review(scorecard_id, _review(card, "rita", 2))
    store.add_review(scorecard_id, _review(card, "sam", 4))
    with pytest.raises(StoreError, match="scorecard 999 does not exist"):
        store.add_review(999, _review(card, "sam", 4))
    decision = Decision(recommendation=Recommendation.YES, reason="solid", decided_by="hm",
                        decided_at=DECIDED, disagreements=[])  # fmt: skip
    final = card.model_copy(update={"status": Status.COMPLETE, "score": 80.5,
                                    "decision": decision})  # fmt: skip
    with pytest.raises(StoreError, match="not finalized"):
        store.record_decision(scorecard_id, card)
    store.record_decision(scorecard_id, final)
    assert store.scorecard_for_key(key) == final
    with pytest.raises(StoreError, match="already decided"):
        store.record_decision(scorecard_id, final)
    with pytest.raises(StoreError, match="already decided"):
        store.add_review(scorecard_id, _review(card, "tom", 1))
    assert (store.count("reviews"), store.count("decisions")) == (2, 1)
    with store.engine.connect() as connection:
        status = connection.execute(select(ScorecardRow.status, ScorecardRow.score)).one()
    assert tuple(status) == ("complete", 80.5)


def test_a_decision_for_another_commit_is_refused(store: Store, make_card: CardFactory) -> None:
    _, scorecard_id = _graded(store, make_card())
    other = make_card(commit="9" * 40)
    decision = Decision(recommendation=Recommendation.NO, reason="r", decided_by="hm",
                        decided_at=DECIDED, disagreements=[])  # fmt: skip
    with pytest.raises(StoreError, match="another commit"):
        store.record_decision(scorecard_id, other.model_copy(update={"decision": decision}))
    assert store.count("decisions") == 0


def test_audit_appends_json_detail(store: Store) -> None:
    store.audit("rita", "review.submit", "scorecard:1", {"rows": ["design"], "level": 3})
    store.audit("hm", "decision", "scorecard:1", {})
    assert store.count("audit_log") == 2
    with store.engine.connect() as connection:
        first = connection.execute(select(AuditRow.detail, AuditRow.at).order_by(AuditRow.id))
        detail, at = first.first() or (None, None)
    assert detail == {"rows": ["design"], "level": 3}
    assert at is not None
    assert at.tzinfo is not None


# --- volume -----------------------------------------------------------------------------------


def test_latest_scorecards_of_ten_thousand(tmp_path: Path, make_card: CardFactory) -> None:
    """10,000 submissions, runs and scorecards (2,500 candidates, 4 repositories each): the
    newest of each (how long it takes: benchmarks/index_page.py)."""
    slim = make_card().model_copy(update={"measurements": Measurements()})
    slim = slim.model_copy(update={"tests": slim.tests.model_copy(update={"results": []})})
    now, total, aliases = datetime(2026, 11, 22, tzinfo=UTC), 10_000, 2_500
    submissions, runs, cards = [], [], []
    for number in range(1, total + 1):
        alias, source = f"cand{number % aliases:04d}", f"https://github.com/x/{number}"
        moment = now + timedelta(seconds=number)
        info = SubmissionInfo(id=alias, source=source, ref=None, commit="c" * 40)
        submissions.append({"id": number, "alias": alias, "challenge_id": "kv-store",
                            "source": source, "ref": None, "created_at": moment})  # fmt: skip
        runs.append({"id": number, "submission_id": number, "idempotency_key": f"{number:064x}",
                     "head": "c" * 40, "commit": "c" * 40, "suite_hash": SUITE,
                     "image_id": IMAGE, "status": "done", "attempts": 1, "started_at": moment,
                     "finished_at": moment, "outcome": "passed"})  # fmt: skip
        data = slim.model_copy(update={"submission": info}).model_dump_json()
        cards.append({"id": number, "run_id": number, "data": data, "outcome": "passed",
                      "status": "partial", "auto_score": 50.0, "score": None,
                      "created_at": moment})  # fmt: skip
    with Store.open(f"sqlite:///{tmp_path / 'big.db'}") as store:
        with store.engine.begin() as connection:
            for model, rows in ((SubmissionRow, submissions), (RunRow, runs),
                                (ScorecardRow, cards)):  # fmt: skip
                connection.execute(insert(model), rows)
        latest = store.latest_scorecards("kv-store")
        assert len(latest) == aliases
        newest = {f"cand{n % aliases:04d}": f"https://github.com/x/{n}"
                  for n in range(1, total + 1)}  # fmt: skip
        assert {card.submission.id: card.submission.source for card in latest} == newest


def test_the_cohort_listing_comes_from_columns_and_matches_the_scorecards(
    store: Store, make_card: CardFactory
) -> None:
    _graded(store, make_card("ana", commit="a" * 40, failing=3))
    _graded(store, make_card("ana", commit="b" * 40, failing=0))  # newer: the one listed
    card = make_card("ben", commit="c" * 40, failing=5)
    _, scorecard_id = _graded(store, card)
    decision = Decision(recommendation=Recommendation.NO, reason="r", decided_by="hm",
                        decided_at=DECIDED, disagreements=[])  # fmt: skip
    store.record_decision(scorecard_id, card.model_copy(
        update={"status": Status.COMPLETE, "score": 40.0, "decision": decision}))  # fmt: skip
    ana, ben = store.cohort_rows("kv-store")
    assert (ana.alias, ana.outcome, ana.tests_passed, ana.tests_total) == ("ana", "passed", 49, 49)
    assert (ben.alias, ben.tests_passed, ben.recommendation) == ("ben", 44, "no")
    assert (ben.score, ben.max_score, ben.auto_max_score) == (40.0, 100, 85)
    assert store.cohort_rows("other") == []


def test_reviews_follow_the_commit_and_suite_not_the_scorecard(
    store: Store, make_card: CardFactory
) -> None:
    """A regrade that reproduced the grade (same commit and suite) keeps its reviews; one of
    another commit does not get them: they rated other code."""
    card = make_card()
    first = store.record_scorecard(card)
    store.add_review(first, _review(card, "rita", 3))
    again = card.model_copy(update={"provenance": card.provenance.model_copy(
        update={"graded_at": DECIDED})})  # fmt: skip
    reproduced = store.record_scorecard(again)
    assert reproduced != first
    assert [r.reviewer for r in store.reviews_of(reproduced)] == ["rita"]
    pushed = make_card(commit="9" * 40)
    later = store.record_scorecard(pushed)
    assert store.reviews_of(later) == []
    store.add_review(later, _review(pushed, "rita", 2))
    assert [r.ratings[0].level for r in store.reviews_of(later)] == [2]
    assert [r.ratings[0].level for r in store.reviews_of(first)] == [3]


def test_reopen_undoes_the_decision_and_keeps_it_in_the_audit_log(
    store: Store, make_card: CardFactory
) -> None:
    from reports.reopening import reopened

    card = make_card()
    _, scorecard_id = _graded(store, card)
    with pytest.raises(StoreError, match="not decided: nothing to reopen"):
        store.reopen(scorecard_id, card, "hm", "why")
    decision = Decision(recommendation=Recommendation.YES, reason="solid", decided_by="hm",
                        decided_at=DECIDED, disagreements=[])  # fmt: skip
    final = card.model_copy(update={"status": Status.COMPLETE, "score": 80.5,
                                    "decision": decision})  # fmt: skip
    store.record_decision(scorecard_id, final)
    store.reopen(scorecard_id, reopened(final), "hm", "new evidence")
    assert store.count("decisions") == 0
    back = store.scorecard(scorecard_id)
    assert back is not None
    assert (back.status, back.score, back.decision) == (Status.PARTIAL, None, None)
    with store.engine.connect() as connection:
        logged = connection.execute(select(AuditRow.action, AuditRow.detail)).all()
    assert [(a, d["recommendation"], d["why"]) for a, d in logged] == [
        ("reopen", "yes", "new evidence")
    ]


def test_a_draft_of_a_reproduced_grade_is_closed_by_its_decision(
    store: Store, make_card: CardFactory
) -> None:
    """The manager decided on a regrade of the same commit: the reviewer's draft, opened on
    the first grade, can no longer change what was decided."""
    from runner.store.models import Role

    card = make_card()
    first = store.record_scorecard(card)
    submission = store.submission_of_scorecard(first)
    ann = store.add_reviewer("ann", Role.REVIEWER)
    draft = store.open_draft(submission, ann.id, first, "{}")
    again = card.model_copy(update={"provenance": card.provenance.model_copy(
        update={"graded_at": DECIDED})})  # fmt: skip
    second = store.record_scorecard(again)
    decision = Decision(recommendation=Recommendation.YES, reason="solid", decided_by="hm",
                        decided_at=DECIDED, disagreements=[])  # fmt: skip
    store.record_decision(second, again.model_copy(
        update={"status": Status.COMPLETE, "score": 80.5, "decision": decision}))  # fmt: skip
    with pytest.raises(StoreError, match="already decided"):
        store.save_draft(submission, ann.id, draft.version, "{}")
