"""The portal beyond one submission: the invitation page offers the handout as a zip (under the
link's own checks), shows the challenge's title once, and a repository that grading could not
fetch leaves the link usable until the deadline, with a page that says what was wrong."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from challenges.load import Challenge
from graders.base import Outcome
from graders.hidden_suite import unrun_measurement
from reports.scorecard import SubmissionInfo
from reports.scoring import build_scorecard
from runner.store.runs import Store, idempotency_key
from takehome.web import tokens
from tests.reports.conftest import HOSTILE, provenance
from tests.takehome.live_server import PORTAL_SECRET
from tests.takehome.test_portal import (
    GOOD_URL,
    Portal,
    form_token,
    invitation_of,
    leaks,
    serve_portal,
    tampered,
)

OTHER_URL = "https://github.com/alice/kv-store-fixed"


@pytest.fixture
def site(tmp_path: Path, kv_store: Challenge) -> Iterator[Portal]:
    yield from serve_portal(tmp_path, ("kv-store", kv_store))


def _graded_as(store: Store, challenge: Challenge, outcome: Outcome, reason: str,
               source: str = GOOD_URL) -> None:  # fmt: skip
    """A stored grade of alice's submission that ended with ``outcome``, as the pipeline
    writes one for a repository it could not take in."""
    info = SubmissionInfo(id="alice", source=source, ref=None, commit="0" * 40)
    card = build_scorecard(challenge, info, unrun_measurement(challenge, outcome, reason),
                           provenance(challenge), [])  # fmt: skip
    sub = store.submission_for(challenge.config.id, "alice", source, None)
    key = idempotency_key("alice", source, str(uuid.uuid4()), challenge.suite_hash, "img")
    run_id, claimed = store.start_run(sub, key, "0" * 40, challenge.suite_hash, "img")
    assert claimed
    store.finish_run(run_id, card)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_page_offers_the_handout_and_shows_the_title_once(site: Portal, kv_store):
    path = site.invite()
    page = site.client.get(path)
    assert page.status_code == 200
    assert f'<a href="{path}/handout.zip" download>' in page.text
    assert page.text.count("<h1>") == 1
    assert page.text.count(kv_store.config.title) == 2  # the window's title and the heading


def test_the_handout_is_a_zip_of_the_spec_and_starter_and_starts_the_clock(site: Portal,
                                                                          kv_store):  # fmt: skip
    path = site.invite()
    download = site.client.get(f"{path}/handout.zip")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"] == (
        'attachment; filename="kv-store-handout.zip"')  # fmt: skip
    assert "default-src 'none'" in download.headers["content-security-policy"]
    members = _members(download.content)
    assert sorted(members) == ["kv-store/README.md", "kv-store/kvstore.py", "kv-store/spec.md"]
    assert members["kv-store/spec.md"] == (kv_store.root / "spec.md").read_bytes()
    assert all(leaks(data.decode(), kv_store) == [] for data in members.values())
    assert invitation_of(site.store, path).opened_at is not None
    assert site.client.get(f"{path}/handout.zip").content == download.content


def test_the_handout_needs_a_link_that_could_still_submit(site: Portal, kv_store):
    path = site.invite()
    assert site.client.get(f"{tampered(path)}/handout.zip").status_code == 403
    past = datetime.now(UTC) - timedelta(minutes=1)
    expired = site.store.create_invitation("kv-store", "bob", past)
    gone = site.client.get(f"/invite/{tokens.link_token(PORTAL_SECRET, expired)}/handout.zip")
    assert (gone.status_code, "expired" in gone.text) == (403, True)
    assert site.open_and_submit(path, GOOD_URL).status_code == 200
    used = site.client.get(f"{path}/handout.zip")
    assert (used.status_code, "already used" in used.text) == (403, True)


def test_a_repository_that_was_not_fetched_can_be_submitted_again(site: Portal, kv_store):
    path = site.invite()
    assert site.open_and_submit(path, GOOD_URL).status_code == 200
    _graded_as(site.store, kv_store, Outcome.REPO_REJECTED,
               f"could not read Username for 'https://github.com': terminal prompts disabled "
               f"{HOSTILE}")  # fmt: skip
    result = site.client.get(f"{path}/result")
    assert result.status_code == 200
    assert f"We could not fetch {GOOD_URL}: could not read Username" in result.text
    assert "that the repository is public" in result.text
    assert f'<a href="{path}">Submit your repository again</a>' in result.text
    assert HOSTILE not in result.text  # escaped
    page = site.client.get(path)
    assert page.status_code == 200
    assert "We could not fetch" in page.text
    assert f'value="{GOOD_URL}"' in page.text
    assert site.client.get(f"{path}/handout.zip").status_code == 200
    again = site.submit(path, OTHER_URL, form_token(page.text))
    assert again.status_code == 200
    assert [request.source for request in site.queued.requests] == [GOOD_URL, OTHER_URL]
    waiting = site.client.get(f"{path}/result")
    assert "It is being graded" in waiting.text
    assert site.client.get(path).status_code == 403  # spent again, until its grade says why
    assert "already used" in site.submit(path, OTHER_URL, form_token(page.text)).text


def test_other_outcomes_spend_the_link(site: Portal, kv_store):
    path = site.invite()
    assert site.open_and_submit(path, GOOD_URL).status_code == 200
    _graded_as(site.store, kv_store, Outcome.CRASH, "ImportError")
    assert site.client.get(path).status_code == 403
    assert "Submit your repository again" not in site.client.get(f"{path}/result").text


def test_after_the_deadline_a_refetch_is_not_offered(site: Portal, kv_store):
    soon = datetime.now(UTC) + timedelta(seconds=2)
    invitation = site.store.create_invitation("kv-store", "alice", soon)
    path = f"/invite/{tokens.link_token(PORTAL_SECRET, invitation)}"
    assert site.open_and_submit(path, GOOD_URL).status_code == 200
    _graded_as(site.store, kv_store, Outcome.REPO_REJECTED, "repository not found")
    assert "Submit your repository again" in site.client.get(f"{path}/result").text
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.1)
    result = site.client.get(f"{path}/result")
    assert "Your repository could not be fetched" in result.text
    assert "Submit your repository again" not in result.text
    assert site.client.get(path).status_code == 403
