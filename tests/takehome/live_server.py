"""A real uvicorn server on loopback for the web tests, and what they hand it.

The app runs in a thread of the test process (``uvicorn.Server``), so the test passes it its
own store (a temporary SQLite file), challenges, roster, a DNS table instead of a resolver (no
lookup leaves the machine) and a recorder instead of grading: the tests assert what was handed
over; grading itself is tested elsewhere.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn
from fastapi import FastAPI

from challenges.load import Challenge
from runner.errors import RepoRejected
from runner.pipeline import GradeRequest

WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789"
PORTAL_SECRET = "portal-secret-for-tests-0123456789"
DNS = {"github.com": ["140.82.121.4"], "gitlab.com": ["10.0.0.7"]}
"""Names check_url may look up in these tests; gitlab.com "resolves" to a private address."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Recorder:
    """``enqueue`` for tests: keeps every request handed over; the next ``down`` calls fail
    as a queue that cannot be reached would."""

    requests: list[GradeRequest] = field(default_factory=list)
    down: int = 0

    def __call__(self, request: GradeRequest) -> None:
        if self.down > 0:
            self.down -= 1
            raise ConnectionError("the queue cannot be reached (test)")
        self.requests.append(request)


@dataclass
class FakeDns:
    """A resolver from a table; remembers what was asked."""

    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str) -> list[str]:
        self.asked.append(host)
        if host not in DNS:
            raise RepoRejected(f"{host}: the host name does not resolve (test table)")
        return DNS[host]


def loader(*challenges: tuple[str, Challenge]) -> Callable[[str], Challenge]:
    table = dict(challenges)

    def load(reference: str) -> Challenge:
        from challenges.errors import ChallengeError

        if reference not in table:
            raise ChallengeError(f"{reference}: no such challenge (test table)")
        return table[reference]

    return load


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port until the block ends; its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="off", server_header=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def post_when_up(
    server: subprocess.Popen[str], url: str, body: bytes, headers: dict[str, str],
    seconds: float, pause: float = 0.1,
) -> httpx.Response:  # fmt: skip
    """POST to a ``takehome serve`` process as soon as it listens; fails the test if the
    process exits or does not listen within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.post(url, content=body, headers=headers, timeout=5)
        except httpx.ConnectError:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "takehome serve did not start"
            time.sleep(pause)
