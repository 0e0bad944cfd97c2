"""Distributed grading against a real Redis broker, real worker processes and the real engine.

Redis is Debian's ``redis-server``, started here on a free loopback port without persistence
(scripts/setup.sh installs it); a machine without it fails these tests, it never skips them.
Workers are ``python -m takehome worker`` processes, as an operator starts them, sharing a
SQLite store in the test's directory. The lease is a few seconds, so that a job a killed
worker held is graded again within the test (SECURITY.md row 24).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from challenges.load import Challenge
from runner.intake.take_in import IntakeOptions
from runner.intake.url_policy import UrlPolicy
from runner.queue.celery_app import GRADE_TASK, enqueue, make_app
from runner.queue.jobs import Job, job_key
from runner.sandbox.engine import Engine
from runner.sandbox.handoff import HANDOFF, TREE_NAME
from runner.sandbox.reaper import reap
from runner.sandbox.run_images import LABEL, RunImage
from runner.store.run_state import run_state
from runner.store.runs import Store

pytestmark = [pytest.mark.docker, pytest.mark.broker]

ROOT = Path(__file__).parents[2]
KV = ROOT / "challenges" / "catalog" / "kv-store"
EXPECTED = {  # sources that finish well inside the wall timeout, and their outcomes
    "solution": "passed",
    "starter": "test_failures",
    "samples/strong": "passed",
    "samples/partial": "test_failures",
    "samples/buggy": "test_failures",
    "samples/no_import": "crash",
}
LEASE = 4.0
"""Seconds: the store's lease and Redis's visibility timeout in these tests."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


class RedisServer:
    """A throwaway Redis on loopback that a test may stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("the queue tests need Debian's redis-server: scripts/setup.sh installs it "
                        "(apt-get install redis-server)", pytrace=False)  # fmt: skip
        self.binary, self.directory, self.port = binary, directory, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        _until(self._answers, 10, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    yield server
    server.stop()


class Workers:
    """``takehome worker`` processes of one test; all stopped, their runs reaped, at the end."""

    def __init__(self, engine: Engine, env: dict[str, str], logs: Path) -> None:
        self.engine, self.env, self.logs = engine, env, logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, concurrency: int = 1) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.started)}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "takehome", "worker", "--concurrency", str(concurrency)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self.started.append(worker)
        return worker

    def busy(self, worker: subprocess.Popen[bytes]) -> bool:
        """Whether a run container of ``worker`` holds a submission (a container started
        ahead and still waiting does not mean a job is claimed); a worker that died fails."""
        if worker.poll() is not None:
            pytest.fail(f"worker {worker.pid} exited with {worker.returncode}\n{self.tail()}")
        owner = f"{socket.gethostname()}:{worker.pid}"
        found = self.engine.containers.list(
            filters={"label": [f"{LABEL}=run", f"{LABEL}.owner={owner}"], "status": "running"}
        )
        return any(
            Path(mount["Source"], TREE_NAME).exists()
            for container in found
            for mount in container.attrs.get("Mounts", [])
            if mount.get("Destination") == HANDOFF
        )

    def containers_of(self, pids: list[int]) -> list[str]:
        owners = {f"{socket.gethostname()}:{pid}" for pid in pids}
        found = self.engine.containers.list(all=True, filters={"label": f"{LABEL}=run"})
        return [str(c.name) for c in found if c.labels.get(f"{LABEL}.owner") in owners]

    def tail(self, lines: int = 15) -> str:
        return "\n".join(
            f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            for path in sorted(self.logs.glob("worker-*.log"))
        )

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.started:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        reap(self.engine)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(url).close()  # the schema, before workers race to create it
    return url


@pytest.fixture
def workers(engine: Engine, kv_image: RunImage, redis: RedisServer, store_url: str,
            tmp_path: Path) -> Iterator[Workers]:  # fmt: skip
    work, logs = tmp_path / "work", tmp_path / "logs"
    work.mkdir()
    logs.mkdir()
    env = {**os.environ, "TAKEHOME_BROKER_URL": redis.url, "TAKEHOME_DATABASE_URL": store_url,
           "TAKEHOME_LEASE": str(LEASE), "TAKEHOME_WORK_DIR": str(work)}  # fmt: skip
    started = Workers(engine, env, logs)
    yield started
    started.stop_all()


def _jobs(out: Path, copies: int) -> list[Job]:
    """``copies`` candidates per source: distinct aliases, hence distinct submissions."""
    return [
        Job(challenge="kv-store", source=str(KV / source), alias=f"{Path(source).name}-{n}",
            out_dir=str(out))
        for n in range(copies)
        for source in EXPECTED
    ]  # fmt: skip


def _expected(job: Job) -> str:
    return EXPECTED[str(Path(job.source).relative_to(KV))]


def _assert_exactly_once(store: Store, jobs: list[Job], keys: list[str]) -> None:
    """One run and one scorecard per job, with the outcome its source gets."""
    assert store.count("scorecards") == len(jobs)
    assert store.count("runs") == len(jobs)
    for job, key in zip(jobs, keys, strict=True):
        card = store.scorecard_for_key(key)
        assert card is not None, job.alias
        assert (card.submission.id, card.outcome.value) == (job.alias, _expected(job))
        assert (Path(job.out_dir) / job.alias / "scorecard.json").is_file()


def _keys(jobs: list[Job], challenge: Challenge, image: RunImage) -> list[str]:
    intake = IntakeOptions(policy=UrlPolicy(allowed_hosts=challenge.config.allowed_hosts))
    return [job_key(job, challenge, image, intake)[0] for job in jobs]


def _all_landed(store: Store, count: int) -> Callable[[], bool]:
    return lambda: store.count("scorecards") >= count


def test_jobs_sent_twice_to_two_workers_are_graded_once_each(
    workers: Workers, redis: RedisServer, store_url: str, kv_store: Challenge,
    kv_image: RunImage, tmp_path: Path, no_leftovers: None,
) -> None:  # fmt: skip
    for _ in range(2):
        workers.start(concurrency=1)
    jobs = _jobs(tmp_path / "out", copies=1)
    app = make_app(redis.url, store_url)
    pickled = jobs[0].model_copy(update={"alias": "pickled"}).model_dump(mode="json")
    app.send_task(GRADE_TASK, args=[pickled], serializer="pickle")  # refused: JSON only
    app.send_task(GRADE_TASK, args=[{**pickled, "alias": "../escape"}])  # refused: not a Job
    enqueue(app, jobs)
    enqueue(app, jobs)  # a redelivery, or a batch sent again: no-ops
    with Store.open(store_url) as store:
        _until(lambda: _handled(workers, "s: 'already graded'") >= len(jobs), 90,
               f"{len(jobs)} duplicates handled\n{workers.tail()}")  # fmt: skip
        _assert_exactly_once(store, jobs, _keys(jobs, kv_store, kv_image))
    logs = workers.tail(lines=1000)
    assert logs.count("s: 'graded: ") == len(jobs)
    assert logs.count("s: 'already graded'") >= len(jobs)  # more if a slow job was resent
    assert "untrusted content of type pickle" in logs
    assert "dropped a malformed job" in logs
    assert not (tmp_path / "escape").exists()


def _handled(workers: Workers, what: str) -> int:
    return workers.tail(lines=1000).count(what)


def test_the_app_takes_json_only_and_acknowledges_a_job_once_its_result_is_stored() -> None:
    conf = make_app("redis://127.0.0.1:1/0", "sqlite:///unused.db", lease=timedelta(seconds=8)).conf
    assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.worker_pool == "threads"  # run containers carry the worker's own pid
    assert conf.broker_transport_options["visibility_timeout"] == 8


def test_kill_9_a_worker_mid_job_ten_times_still_one_scorecard_each(
    workers: Workers, redis: RedisServer, store_url: str, kv_store: Challenge,
    kv_image: RunImage, tmp_path: Path, no_leftovers: None,
) -> None:  # fmt: skip
    started = time.monotonic()
    slots = [workers.start(), workers.start()]
    jobs = _jobs(tmp_path / "out", copies=5)
    enqueue(make_app(redis.url, store_url), jobs)
    killed: list[int] = []
    for round_ in range(10):
        victim = slots[round_ % 2]
        _until(lambda victim=victim: workers.busy(victim), 60,
               f"a run container of worker {victim.pid}\n{workers.tail()}", poll=0.02)  # fmt: skip
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        killed.append(victim.pid)
        slots[round_ % 2] = workers.start()  # reaps what the killed one left at start
    with Store.open(store_url) as store:
        _until(_all_landed(store, len(jobs)), 120, f"{len(jobs)} scorecards\n{workers.tail()}")
        time.sleep(LEASE + 2)  # late redeliveries of killed jobs: they must add nothing
        keys = _keys(jobs, kv_store, kv_image)
        _assert_exactly_once(store, jobs, keys)
        claims = [state.attempts for key in keys if (state := run_state(store, key))]
        assert sum(claims) >= len(jobs) + 10, "each killed job was claimed again"
    assert workers.containers_of(killed) == [], "a killed worker's run container was left"
    took = time.monotonic() - started
    print(f"kill -9 x10: {len(jobs)} jobs, each graded exactly once, in {took:.1f} s")


def test_a_batch_survives_a_redis_restart(
    workers: Workers, redis: RedisServer, store_url: str, kv_store: Challenge,
    kv_image: RunImage, tmp_path: Path,
) -> None:  # fmt: skip
    for _ in range(2):
        workers.start(concurrency=1)
    jobs = _jobs(tmp_path / "out", copies=3)
    roster = tmp_path / "roster.csv"
    roster.write_text("alias,repo\n" + "".join(f"{job.alias},{job.source}\n" for job in jobs))
    batch = subprocess.Popen(
        [sys.executable, "-m", "takehome", "batch", str(roster), "--challenge", "kv-store",
         "--out", str(tmp_path / "out"), "--queue"],
        env=workers.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with Store.open(store_url) as store:
        _until(_all_landed(store, 2), 60, f"the first scorecards\n{workers.tail()}")
        redis.stop()  # no persistence: every message it held is lost
        time.sleep(2.0)
        redis.start()
        try:
            out, err = batch.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            batch.kill()
            out, err = batch.communicate()
            pytest.fail(f"the batch did not finish\n{err[-3000:]}\n{workers.tail()}")
        assert batch.returncode == 0, err
        assert "sending" in err, err  # the messages Redis lost were sent again
        _assert_exactly_once(store, jobs, _keys(jobs, kv_store, kv_image))
    assert f"{len(jobs)} submission(s), 0 unchanged" in out
    assert (tmp_path / "out" / "index.html").is_file()
