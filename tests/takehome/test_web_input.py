"""Hostile input to the web surfaces, through a real server on loopback: a 400 with a reason,
never a 500 and never a traceback in the server's log."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from challenges.load import Challenge
from takehome.web.config import repo_key
from tests.takehome.test_portal import Portal, serve_portal
from tests.takehome.test_webhook import Hook, push, serve_hook


@pytest.fixture
def hook(tmp_path: Path, kv_store: Challenge) -> Iterator[Hook]:
    yield from serve_hook(tmp_path, kv_store, roster=())


@pytest.fixture
def server_errors(caplog: pytest.LogCaptureFixture) -> Iterator[list[logging.LogRecord]]:
    """The server's error records (uvicorn logs an unhandled exception with its traceback)."""
    caplog.set_level(logging.ERROR)
    records: list[logging.LogRecord] = []
    yield records
    records.extend(record for record in caplog.records if record.levelno >= logging.ERROR)
    assert records == [], [record.getMessage() for record in records]


@pytest.mark.parametrize("opener", ["[", '{"a": '])
def test_a_signed_body_nested_100000_deep_is_400(hook: Hook, server_errors, opener):
    closer = "]" if opener == "[" else "}"
    body = (opener * 100_000 + "1" + closer * 100_000).encode()
    response = hook.deliver(body)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "malformed JSON: nested too deeply"}
    assert hook.queued.requests == []


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 5000, "1" * 4301])
def test_a_signed_body_with_a_number_of_thousands_of_digits_is_400(hook: Hook, server_errors,
                                                                    number):  # fmt: skip
    body = push()[:-1] + f', "size": {number}}}'.encode()
    response = hook.deliver(body)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith("malformed JSON: a number of")
    assert hook.queued.requests == []


@pytest.mark.parametrize("url", ["https://[::1/x.git", "https://a]b/x", "http://[::1]:99999/"])
def test_a_push_whose_clone_url_is_not_a_url_is_400(hook: Hook, server_errors, url):
    response = hook.deliver(push(clone_url=url))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "push payload: repository.clone_url is not a URL"}
    assert hook.queued.requests == []


def test_a_url_that_cannot_be_split_matches_no_roster_entry():
    assert repo_key("https://[::1/x.git") != repo_key("https://[::1/x")
    assert repo_key("https://[::1/x.git") == repo_key("https://[::1/x.git")


@pytest.fixture
def wide_portal(tmp_path: Path, kv_store: Challenge) -> Iterator[Portal]:
    """A challenge whose time window no date can hold (a file changed since it loaded)."""
    config = kv_store.config.model_copy(update={"time_window": "99999999d"})
    wide = dataclasses.replace(kv_store, config=config)
    yield from serve_portal(tmp_path, ("kv-store", wide))


def test_an_invitation_whose_window_no_date_can_hold_is_400(wide_portal: Portal, server_errors):
    path = wide_portal.invite()
    for response in (wide_portal.client.get(path), wide_portal.submit(path, "https://x")):
        assert response.status_code in {400, 403}, response.text
    page = wide_portal.client.get(path)
    assert page.status_code == 400
    assert "time window cannot be computed" in page.text
    assert wide_portal.queued.requests == []
