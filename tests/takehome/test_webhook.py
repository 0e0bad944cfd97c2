"""POST /hooks/github against a real uvicorn server on loopback: what is handed to grading.

Every request goes through the network stack to a real server; ``enqueue`` is a recorder.
Grading itself is tested elsewhere: here, a push is graded at the right commit exactly once,
and nothing unauthenticated, replayed, unknown or malformed is ever handed over.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from challenges.load import Challenge
from challenges.roster import RosterEntry
from runner.intake.take_in import IntakeOptions, new_work_dir, take_in
from runner.intake.url_policy import UrlPolicy
from runner.pipeline import chooser_for, request_for
from runner.review_desk.accounts import login_link
from runner.store.runs import Store
from takehome.web.app import create_app
from takehome.web.config import WatchedRepo, WebConfig
from takehome.web.tokens import new_link
from tests.takehome.live_server import (
    PORTAL_SECRET,
    WEBHOOK_SECRET,
    FakeDns,
    Recorder,
    free_port,
    loader,
    post_when_up,
    running,
)

ROSTER_URL = "https://github.com/alice/kv-store"
STARTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HEAD = "0123456789abcdef0123456789abcdef01234567"
ROOT = Path(__file__).parents[2]


@dataclass
class Hook:
    client: httpx.Client
    base: str
    store: Store
    queued: Recorder

    def deliver(self, body: bytes, event: str = "push", delivery: str | None = None,
                signature: str | None = None, **headers: str) -> httpx.Response:  # fmt: skip
        sent = {
            "content-type": "application/json",
            "x-github-event": event,
            "x-github-delivery": delivery or str(uuid.uuid4()),
            "x-hub-signature-256": signature or sign(body),
            **headers,
        }
        return self.client.post("/hooks/github", content=body, headers=sent)


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def push(clone_url: str = "https://github.com/Alice/KV-Store.git", after: str = HEAD,
         ref: str = "refs/heads/main", **extra: object) -> bytes:  # fmt: skip
    payload = {
        "ref": ref, "before": "f" * 40, "after": after, "deleted": False,
        "repository": {"full_name": "alice/kv-store", "clone_url": clone_url,
                       "html_url": "https://github.com/alice/kv-store"},
        "head_commit": {"id": after, "message": "<script>alert(1)</script>"},
        **extra,
    }  # fmt: skip
    return json.dumps(payload).encode()


@pytest.fixture
def roster(kv_store: Challenge) -> tuple[WatchedRepo, ...]:
    return (
        WatchedRepo(ROSTER_URL, "alice", kv_store, window_start=STARTED,
                    deadline=STARTED + timedelta(days=2)),
        WatchedRepo("https://github.com/bob/kv", "bob", kv_store, ref="submit"),
    )  # fmt: skip


def serve_hook(tmp_path: Path, kv_store: Challenge, roster: tuple[WatchedRepo, ...],
               secret: str | None = WEBHOOK_SECRET) -> Iterator[Hook]:  # fmt: skip
    config = WebConfig(public_url="http://127.0.0.1", webhook_secret=secret,
                       portal_secret=PORTAL_SECRET, challenges=loader(("kv-store", kv_store)),
                       roster=roster, resolver=FakeDns())  # fmt: skip
    queued = Recorder()
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as store:
        app = create_app(config, store, queued)
        with running(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            yield Hook(client, base, store, queued)


@pytest.fixture
def hook(tmp_path: Path, kv_store: Challenge, roster: tuple[WatchedRepo, ...]) -> Iterator[Hook]:
    yield from serve_hook(tmp_path, kv_store, roster)


def test_a_signed_push_to_a_roster_repo_enqueues_its_head_commit(hook: Hook, kv_store):
    before = datetime.now(UTC)
    response = hook.deliver(push())
    assert response.status_code == 202, response.text
    assert response.json() == {"status": "queued", "alias": "alice", "commit": HEAD}
    [request] = hook.queued.requests
    assert (request.source, request.ref, request.submission_id) == (ROSTER_URL, HEAD, "alice")
    assert request.challenge is kv_store
    assert request.push_time is not None
    assert before <= request.push_time <= datetime.now(UTC)
    assert (request.window_start, request.deadline) == (STARTED, STARTED + timedelta(days=2))
    assert request.candidate_names == ("alice",)
    assert hook.store.count("deliveries") == 1
    assert response.headers["x-content-type-options"] == "nosniff"


def test_another_spelling_of_the_roster_url_matches(hook: Hook):
    body = push(clone_url="git@github.com:alice/kv-store.git")
    assert hook.deliver(body).status_code == 202
    assert len(hook.queued.requests) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,  # header missing
        "sha256=" + "0" * 64,
        "sha1=" + "0" * 40,
        "sha256=",
        "wrong-secret",
        "other-body",
        "uppercase",
    ],
)
def test_a_bad_signature_is_401_and_nothing_is_enqueued(hook: Hook, signature):
    body = push()
    headers = {
        "content-type": "application/json", "x-github-event": "push",
        "x-github-delivery": str(uuid.uuid4()),
    }  # fmt: skip
    if signature == "wrong-secret":
        headers["x-hub-signature-256"] = sign(body, "another-secret-0123456789")
    elif signature == "other-body":
        headers["x-hub-signature-256"] = sign(push(after="a" * 40))
    elif signature == "uppercase":
        headers["x-hub-signature-256"] = sign(body).upper()
    elif signature is not None:
        headers["x-hub-signature-256"] = signature
    response = hook.client.post("/hooks/github", content=body, headers=headers)
    assert response.status_code == 401
    assert "X-Hub-Signature-256" in response.json()["error"]
    assert hook.queued.requests == []
    assert hook.store.count("deliveries") == 0


def test_the_signature_is_checked_before_anything_is_parsed(hook: Hook):
    response = hook.deliver(b"{not json", signature="sha256=" + "1" * 64)
    assert response.status_code == 401  # not 400: nothing was parsed
    response = hook.deliver(b"{}", signature=sign(b"{}"), **{"x-github-event": ""})
    assert response.status_code == 400  # signed: now the headers are read


def test_a_replayed_delivery_enqueues_nothing_more(hook: Hook):
    body, delivery = push(), str(uuid.uuid4())
    assert hook.deliver(body, delivery=delivery).status_code == 202
    again = hook.deliver(body, delivery=delivery)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert len(hook.queued.requests) == 1
    assert hook.store.count("deliveries") == 1


def test_a_push_that_cannot_be_queued_can_be_redelivered(hook: Hook):
    body, delivery = push(), str(uuid.uuid4())
    hook.queued.down = 1
    failed = hook.deliver(body, delivery=delivery)
    assert failed.status_code == 503
    assert "redeliver" in failed.json()["error"]
    assert hook.store.count("deliveries") == 0  # forgotten: GitHub redelivers under this id
    assert hook.deliver(body, delivery=delivery).status_code == 202
    assert len(hook.queued.requests) == 1


def test_a_repo_not_on_the_roster_is_acknowledged_and_ignored(hook: Hook):
    response = hook.deliver(push(clone_url="https://github.com/mallory/kv-store.git"))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "ignored"
    assert "https://github.com/mallory/kv-store.git is not on the roster" in body["reason"]
    assert hook.queued.requests == []


def test_a_huge_url_not_on_the_roster_is_not_echoed_whole(hook: Hook):
    url = "https://github.com/mallory/" + "k" * 500_000 + ".git"
    response = hook.deliver(push(clone_url=url))
    assert response.status_code == 202
    assert len(response.text) < 1_000
    assert response.json()["reason"].endswith("... is not on the roster")


@pytest.mark.parametrize(
    ("body", "event", "reason"),
    [
        (push(after="0" * 40, deleted=True), "push", "was deleted"),
        (push(clone_url="https://github.com/bob/kv.git", ref="refs/heads/main"), "push",
         "the roster grades submit of bob"),
        (push(), "issues", "issues events are not graded"),
    ],
)  # fmt: skip
def test_other_deliveries_are_acknowledged_with_a_reason(hook: Hook, body, event, reason):
    response = hook.deliver(body, event=event)
    assert response.status_code == 202
    assert reason in response.json()["reason"]
    assert hook.queued.requests == []


def test_the_roster_branch_is_graded(hook: Hook):
    body = push(clone_url="https://github.com/bob/kv.git", ref="refs/heads/submit")
    assert hook.deliver(body).status_code == 202
    assert [r.submission_id for r in hook.queued.requests] == ["bob"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"ref": "refs/heads/main", "repository": {}}).encode(),
         "push payload without repository.clone_url, after"),
        (push(after="HEAD"), "after is not a commit SHA"),
    ],
)  # fmt: skip
def test_malformed_payloads_are_400_with_a_reason(hook: Hook, body, reason):
    response = hook.deliver(body)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert "\n" not in response.text
    assert hook.queued.requests == []
    assert hook.store.count("deliveries") == 0


@pytest.mark.parametrize("missing", ["x-github-event", "x-github-delivery"])
def test_required_headers(hook: Hook, missing):
    body = push()
    headers = {"x-github-event": "push", "x-github-delivery": "d-1",
               "x-hub-signature-256": sign(body)}  # fmt: skip
    del headers[missing]
    response = hook.client.post("/hooks/github", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "X-GitHub-Event and X-GitHub-Delivery headers are required"}


def test_ping_is_200(hook: Hook):
    response = hook.deliver(json.dumps({"zen": "Keep it simple.", "hook_id": 1}).encode(), "ping")
    assert response.status_code == 200
    assert response.json() == {"status": "pong"}
    assert hook.queued.requests == []


def test_a_form_encoded_delivery_is_read_too(hook: Hook):
    from urllib.parse import urlencode

    body = urlencode({"payload": push().decode()}).encode()
    response = hook.deliver(body, **{"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 202
    assert len(hook.queued.requests) == 1


# --- the body cap ---------------------------------------------------------------------------


def _raw_post(base: str, headers: dict[str, str], chunks: Iterable[bytes]) -> bytes:
    """Send a request by hand, stopping as soon as the server answers; the raw response."""
    address = urlsplit(base)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection((address.hostname, address.port), timeout=20) as sock:
        sock.sendall(f"POST /hooks/github HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # answered already
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        received = b""
        while b"\r\n\r\n" not in received:
            part = sock.recv(65536)
            if not part:
                break
            received += part
        return received


def test_a_declared_10_mb_body_is_413_before_it_is_read(hook: Hook):
    ten_mb = 10 * 1024 * 1024
    started = time.monotonic()
    response = _raw_post(hook.base, {"content-length": str(ten_mb),
                                     "content-type": "application/json",
                                     "x-github-event": "push", "x-github-delivery": "d-big",
                                     "x-hub-signature-256": "sha256=" + "0" * 64}, [])  # fmt: skip
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
    assert time.monotonic() - started < 5  # answered without waiting for a byte of the body
    assert hook.queued.requests == []


def test_a_streamed_10_mb_body_is_413(hook: Hook):
    chunk = b"x" * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    response = _raw_post(hook.base, {"transfer-encoding": "chunked",
                                     "x-github-event": "push", "x-github-delivery": "d-big",
                                     "x-hub-signature-256": "sha256=" + "0" * 64},
                         [framed] * 160)  # fmt: skip
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
    assert hook.queued.requests == []
    assert hook.store.count("deliveries") == 0


def test_a_body_at_the_cap_is_read(hook: Hook):
    body = push()
    padded = body[:-1] + b',"pad":"' + b"p" * (1024 * 1024 - len(body) - 10) + b'"}'
    assert len(padded) <= 1024 * 1024
    assert hook.deliver(padded).status_code == 202


def test_without_a_secret_the_webhook_is_closed(tmp_path, kv_store, roster):
    for unconfigured in serve_hook(tmp_path, kv_store, roster, secret=None):
        response = unconfigured.deliver(push())
        assert response.status_code == 503
        assert "TAKEHOME_WEBHOOK_SECRET" in response.json()["error"]
        assert unconfigured.queued.requests == []


# --- takehome serve, as a user runs it --------------------------------------------------------


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("TAKEHOME_")}  # fmt: skip
    env.update({"TAKEHOME_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}", **settings})
    return env


def test_takehome_serve_answers_a_signed_ping_and_logs_no_token(tmp_path: Path):
    port = free_port()
    with Store.open(f"sqlite:///{tmp_path / 'served.db'}") as store:
        link = new_link(store, PORTAL_SECRET, f"http://127.0.0.1:{port}", "kv-store", "alice",
                        timedelta(hours=1))  # fmt: skip
    token = link.rsplit("/", 1)[1]
    with Store.open(f"sqlite:///{tmp_path / 'served.db'}") as store:
        sign_in = login_link(store, "ana", f"http://127.0.0.1:{port}")
    sign_in_token = sign_in.rsplit("/", 1)[1]
    roster = tmp_path / "roster.csv"
    roster.write_text(f"alias,repo\nalice,{ROSTER_URL}\n")
    env = _environment(tmp_path, TAKEHOME_WEBHOOK_SECRET=WEBHOOK_SECRET,
                       TAKEHOME_PORTAL_SECRET=PORTAL_SECRET, TAKEHOME_ROSTER=str(roster),
                       TAKEHOME_ROSTER_CHALLENGE="kv-store")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "takehome", "serve", "--port", str(port), "--out",
         str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        body = b'{"zen": "Design for failure."}'
        headers = {"x-github-event": "ping", "x-github-delivery": "p-1",
                   "x-hub-signature-256": sign(body)}  # fmt: skip
        response = post_when_up(server, f"http://127.0.0.1:{port}/hooks/github", body, headers,
                                30)  # fmt: skip
        assert response.status_code == 200
        assert response.json() == {"status": "pong"}
        assert "server" not in response.headers
        assert "referrer-policy" in response.headers
        page = httpx.get(link, timeout=10)
        assert page.status_code == 200
        assert "In-memory key-value store" in page.text
        assert httpx.get(sign_in, timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    assert "Traceback" not in output
    assert '"GET /invite/<token> HTTP/1.1" 200' in output
    assert '"GET /login/<token> HTTP/1.1" 200' in output
    assert token not in output
    assert sign_in_token not in output


def test_takehome_serve_refuses_a_short_secret(tmp_path: Path):
    env = _environment(tmp_path, TAKEHOME_WEBHOOK_SECRET="hunter2")
    result = subprocess.run([sys.executable, "-m", "takehome", "serve", "--port", "1"],
                            cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: TAKEHOME_WEBHOOK_SECRET: use at least 16 random characters"
    )


def _dated_commit(repo: Path, when: datetime, name: str) -> str:
    (repo / name).write_text(f"{name}\n")
    stamp = when.strftime("%Y-%m-%d %H:%M:%S +0000")
    env = {"PATH": os.environ["PATH"], "HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com",
           "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}  # fmt: skip
    for args in (["add", "-A"], ["commit", "-q", "-m", name], ["rev-parse", "HEAD"]):
        done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True,
                              text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def test_a_late_push_is_graded_at_the_commit_the_batch_grades(tmp_path, kv_store):
    """One rule: the pushed head is not graded when it is late, the last commit inside is."""
    repo = tmp_path / "alice"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    inside = _dated_commit(repo, STARTED + timedelta(hours=1), "work.py")
    head = _dated_commit(repo, STARTED + timedelta(hours=6), "late.py")  # the window is 4h
    watched = (WatchedRepo(str(repo), "alice", kv_store, window_start=STARTED),)
    hook = serve_hook(tmp_path, kv_store, watched)
    served = next(hook)
    try:
        response = served.deliver(push(clone_url=str(repo), after=head))
        assert response.status_code == 202, response.text
        [pushed] = served.queued.requests
    finally:
        hook.close()
    batch = request_for(RosterEntry(alias="alice", repo=str(repo), invited_at=STARTED), kv_store)
    options = IntakeOptions(policy=UrlPolicy(allowed_hosts=[]))
    graded = {}
    for name, request in (("webhook", pushed), ("batch", batch)):
        work = new_work_dir(tmp_path)
        graded[name] = take_in(request.source, request.ref, work, options, chooser_for(request))
    assert {name: intake.commit for name, intake in graded.items()} == {
        "webhook": inside,
        "batch": inside,
    }
    assert graded["webhook"].head == head, "the pushed commit was fetched"
