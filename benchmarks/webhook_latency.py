"""Request latency of POST /hooks/github on a real uvicorn server on loopback.

Each request is a signed push to a roster repository with a new delivery id, so every one
does the whole path: body read with the cap, HMAC check, JSON, roster match, the delivery
recorded in the store (SQLite in a temporary directory, WAL), the submission handed to a
no-op enqueue. One keep-alive client, sequential requests; a replayed delivery and a refused
signature are timed too. Nothing is graded.

    .venv/bin/python benchmarks/webhook_latency.py [--requests 500]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from challenges.load import load_challenge
from graders.registry import available
from runner.store.runs import Store
from takehome.web.app import create_app
from takehome.web.config import WatchedRepo, WebConfig

SECRET = "benchmark-webhook-secret-0123456789"
REPO = "https://github.com/alice/kv-store"


def _signed(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    count = parser.parse_args().requests
    challenge = load_challenge("kv-store", available())
    config = WebConfig(public_url="http://127.0.0.1", webhook_secret=SECRET, portal_secret=None,
                       challenges=lambda _: challenge,
                       roster=(WatchedRepo(REPO, "alice", challenge),))  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="takehome-webhook-"))
    queued: list[object] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        with Store.open(f"sqlite:///{work / 'takehome.db'}") as store:
            app = create_app(config, store, queued.append)
            options = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                     lifespan="off")  # fmt: skip
            server = uvicorn.Server(options)
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.01)
            body = json.dumps({"ref": "refs/heads/main", "after": "a" * 40,
                               "repository": {"clone_url": REPO + ".git"}}).encode()  # fmt: skip
            timings: dict[str, list[float]] = {"push": [], "replay": [], "bad signature": []}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                for number in range(count + 20):
                    for kind, delivery, signature in (
                        ("push", f"d-{number}", _signed(body)),
                        ("replay", f"d-{number}", _signed(body)),
                        ("bad signature", f"x-{number}", "sha256=" + "0" * 64),
                    ):
                        headers = {"x-github-event": "push", "x-github-delivery": delivery,
                                   "x-hub-signature-256": signature,
                                   "content-type": "application/json"}  # fmt: skip
                        started = time.perf_counter()
                        response = client.post("/hooks/github", content=body, headers=headers)
                        elapsed = time.perf_counter() - started
                        assert response.status_code in {202, 200, 401}, response.text
                        if number >= 20:  # the first ones warm up connections and caches
                            timings[kind].append(elapsed)
            server.should_exit = True
            thread.join(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert len(queued) == count + 20
    shown = "; ".join(f"{kind} {_percentiles(values)}" for kind, values in timings.items())
    print(f"webhook_latency.py: {count} requests each, SQLite store, loopback: {shown}")


if __name__ == "__main__":
    main()
