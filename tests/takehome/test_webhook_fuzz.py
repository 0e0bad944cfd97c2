"""Property: whatever a correctly signed delivery holds (random JSON, push-shaped payloads
with hostile fields, nesting 100,000 deep, numbers of thousands of digits, random bytes in
any content type), the webhook answers 2xx or 4xx, never 500, and the server logs no error.

One real server on loopback (as in ``test_webhook``) serves every example of this module.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from challenges.load import Challenge
from runner.store.runs import Store
from takehome.web.app import create_app
from takehome.web.config import WatchedRepo, WebConfig
from tests.takehome.live_server import (
    PORTAL_SECRET,
    WEBHOOK_SECRET,
    FakeDns,
    Recorder,
    loader,
    running,
)
from tests.takehome.test_webhook import HEAD, ROSTER_URL, sign

BUDGET = settings(max_examples=300, deadline=None)


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Server:
    client: httpx.Client
    errors: Collected

    def deliver(self, body: bytes, event: str = "push",
                content_type: str = "application/json") -> httpx.Response:  # fmt: skip
        headers = {"content-type": content_type, "x-github-event": event,
                   "x-github-delivery": str(uuid.uuid4()),
                   "x-hub-signature-256": sign(body)}  # fmt: skip
        response = self.client.post("/hooks/github", content=body, headers=headers)
        assert response.status_code < 500, (response.status_code, response.text[:300])
        assert response.status_code >= 200, response.status_code
        assert self.errors.records == [], [r.getMessage() for r in self.errors.records]
        return response


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, kv_store: Challenge) -> Iterator[Server]:
    roster = (WatchedRepo(ROSTER_URL, "alice", kv_store),)
    config = WebConfig(public_url="http://127.0.0.1", webhook_secret=WEBHOOK_SECRET,
                       portal_secret=PORTAL_SECRET, challenges=loader(("kv-store", kv_store)),
                       roster=roster, resolver=FakeDns())  # fmt: skip
    errors = Collected()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(errors)
    folder = tmp_path_factory.mktemp("webhook-fuzz")
    try:
        with Store.open(f"sqlite:///{folder / 'takehome.db'}") as store:
            app = create_app(config, store, Recorder())
            with running(app) as base, httpx.Client(base_url=base, timeout=60) as client:
                yield Server(client, errors)
    finally:
        for logger in loggers:
            logger.removeHandler(errors)


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=15,
)
urls = st.sampled_from([
    ROSTER_URL, ROSTER_URL + ".git", "git@github.com:alice/kv-store.git", "https://[::1/x.git",
    "http://[::1]:99999/", "https://a]b/x", "file:///etc/passwd", "", "\x00",
    "https://" + "a" * 5000,
]) | st.text(max_size=60)  # fmt: skip
pushes = st.fixed_dictionaries(
    {"ref": st.sampled_from(["refs/heads/main", "main", ""]) | st.text(max_size=20),
     "after": st.sampled_from([HEAD, HEAD, HEAD, "0" * 40, HEAD.upper()]) | st.text(max_size=45),
     "repository": st.fixed_dictionaries({"clone_url": urls}) | values},
    optional={"deleted": values, "head_commit": values, "before": values},
)  # fmt: skip
events = st.sampled_from(["push", "ping", "issues", "pu sh", "Push", "push.x"])


@BUDGET
@given(payload=values | pushes, event=events)
def test_random_json_is_never_a_server_error(server: Server, payload, event):
    server.deliver(json.dumps(payload).encode(), event)


@BUDGET
@given(payload=pushes)
def test_push_shaped_payloads_are_never_a_server_error(server: Server, payload):
    server.deliver(json.dumps(payload).encode())


@settings(max_examples=60, deadline=None)
@given(depth=st.integers(min_value=1, max_value=100_000),
       opener=st.sampled_from(["[", '{"a": ', '{"repository": ']))  # fmt: skip
@example(depth=100_000, opener="[")
@example(depth=100_000, opener='{"repository": ')
def test_deep_nesting_is_never_a_server_error(server: Server, depth, opener):
    closer = "]" if opener == "[" else "}"
    server.deliver((opener * depth + "1" + closer * depth).encode())


@settings(max_examples=80, deadline=None)
@given(
    digits=st.integers(min_value=1, max_value=20_000),
    form=st.sampled_from(["{}", "-{}", "{}.5", "1e{}", "0.{}"]),
    where=st.sampled_from(["size", "after", "ref", "repository"]),
)
@example(digits=5000, form="{}", where="size")
@example(digits=20_000, form="-{}", where="repository")
def test_huge_numbers_are_never_a_server_error(server: Server, digits, form, where):
    number = form.format("7" * digits)
    payload = json.loads(json.dumps({"ref": "refs/heads/main", "after": HEAD,
                                     "repository": {"clone_url": ROSTER_URL}}))  # fmt: skip
    payload[where] = "NUMBER"
    server.deliver(json.dumps(payload).replace('"NUMBER"', number).encode())


@BUDGET
@given(
    body=st.binary(max_size=400) | st.text(max_size=200).map(str.encode),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                  "text/plain", "", "application/json; charset=latin-1"]),
)  # fmt: skip
def test_random_bodies_are_never_a_server_error(server: Server, body, content_type):
    server.deliver(body, content_type=content_type)
    server.deliver(b"payload=" + body, content_type="application/x-www-form-urlencoded")
