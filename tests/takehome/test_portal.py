"""The candidate portal against a real uvicorn server on loopback.

An invitation link shows the spec and starts the clock once; its form needs the form token of
that invitation; a URL that check_url refuses is shown as an error and never handed over (the
DNS is a table here, and nothing in the portal runs git); a good URL is handed over once and
spends the link; forged and expired links get a 403 page; and no page ever shows a hidden
test's name, file, source or output (scanned as in tests/reports/test_candidate.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from challenges.load import Challenge, load_challenge
from graders.base import Outcome
from graders.hidden_suite import CaseStatus
from graders.registry import available
from reports.scorecard import Scorecard, SubmissionInfo
from reports.scoring import build_scorecard
from runner.store.runs import Store, idempotency_key
from takehome.web import tokens
from takehome.web.app import create_app
from takehome.web.config import WebConfig
from takehome.web.portal import NOT_VALID
from tests.reports.conftest import HOSTILE, measurement, provenance
from tests.reports.test_candidate import _with_policy
from tests.takehome.live_server import PORTAL_SECRET, FakeDns, Recorder, loader, running

ROOT = Path(__file__).parents[2]
GOOD_URL = "https://github.com/alice/kv-store"
SPEC_LINE = "Our services need a small embedded cache"


@dataclass
class Portal:
    client: httpx.Client
    store: Store
    queued: Recorder
    dns: FakeDns

    def invite(self, alias: str = "alice", challenge: str = "kv-store",
               hours: float = 48) -> str:  # fmt: skip
        """A new invitation's link path (``/invite/<token>``)."""
        link = tokens.new_link(self.store, PORTAL_SECRET, "http://portal.test", challenge, alias,
                               timedelta(hours=hours))  # fmt: skip
        assert link.startswith("http://portal.test/invite/")
        return urlsplit(link).path

    def submit(self, path: str, repo_url: str, csrf: str | None = None) -> httpx.Response:
        form = {"repo_url": repo_url}
        if csrf is not None:
            form["csrf"] = csrf
        return self.client.post(path, data=form)

    def open_and_submit(self, path: str, repo_url: str) -> httpx.Response:
        return self.submit(path, repo_url, form_token(self.client.get(path).text))


def form_token(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no form token on the page"
    return match.group(1)


def invitation_of(store: Store, path: str):
    invitation_id = tokens.token_id(path.rsplit("/", 1)[-1])
    assert invitation_id is not None
    found = store.invitation(invitation_id)
    assert found is not None
    return found


def serve_portal(tmp_path: Path, *challenges: tuple[str, Challenge],
                 secret: str | None = PORTAL_SECRET) -> Iterator[Portal]:  # fmt: skip
    dns, queued = FakeDns(), Recorder()
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = WebConfig(public_url="http://portal.test", webhook_secret=None,
                       portal_secret=secret, challenges=loader(*challenges),
                       resolver=dns)  # fmt: skip
    with Store.open(f"sqlite:///{tmp_path / 'takehome.db'}") as store:
        app = create_app(config, store, queued)
        with running(app) as base, httpx.Client(base_url=base, timeout=30) as client:
            yield Portal(client, store, queued, dns)


@pytest.fixture
def portal(tmp_path: Path, kv_store: Challenge) -> Iterator[Portal]:
    yield from serve_portal(tmp_path, ("kv-store", kv_store))


def secrets_of(challenge: Challenge, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What must never reach a candidate: hidden test names, files, source lines, output.
    Source lines the spec itself shows (``from kvstore import KVStore``) are public."""
    spec = (challenge.root / "spec.md").read_text()
    names = [case.name for case in challenge.tests if case.name not in allowed]
    files = [path.name for path in challenge.suite_dir.glob("*.py")]
    source = [line.strip() for path in challenge.suite_dir.glob("*.py")
              for line in path.read_text().splitlines()
              if len(line.strip()) > 25 and line.strip() not in spec]  # fmt: skip
    return [*names, *files, *source, "printed by the candidate", HOSTILE, "AssertionError"]


def leaks(html: str, challenge: Challenge, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [secret for secret in secrets_of(challenge, allowed) if secret in html]


# --- the invitation page ----------------------------------------------------------------------


def test_the_link_shows_the_spec_and_starts_the_clock_once(portal: Portal, kv_store):
    path = portal.invite()
    assert invitation_of(portal.store, path).opened_at is None
    page = portal.client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert kv_store.config.title in page.text
    assert SPEC_LINE in page.text
    assert "<h2>The task</h2>" in page.text  # the spec's Markdown, rendered
    assert "<strong>4h</strong>" in page.text
    started = invitation_of(portal.store, path).opened_at
    assert started is not None
    assert datetime.now(UTC) - started < timedelta(seconds=10)
    time.sleep(0.05)
    again = portal.client.get(path)
    assert again.status_code == 200
    assert invitation_of(portal.store, path).opened_at == started  # the clock did not move
    assert form_token(again.text) == form_token(page.text)
    assert leaks(page.text, kv_store) == []
    assert "<script" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert portal.queued.requests == []


def test_the_spec_cannot_inject_markup(tmp_path: Path, kv_store: Challenge):
    copy = tmp_path / "kv-hostile"
    shutil.copytree(kv_store.root, copy)
    spec = copy / "spec.md"
    spec.write_text(f"# Title {HOSTILE}\n\n<img src=x onerror=alert(1)>\n\n{HOSTILE}\n")
    hostile = load_challenge(copy, available())
    for site in serve_portal(tmp_path / "site", ("kv-hostile", hostile)):
        page = site.client.get(site.invite(challenge="kv-hostile"))
        assert page.status_code == 200
        assert "<script" not in page.text
        assert "<img" not in page.text
        assert 'href="javascript:' not in page.text
        assert "&lt;script&gt;" in page.text  # shown as text


# --- the form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("csrf", [None, "", "forged", "other-invitation"])
def test_the_form_needs_the_invitations_own_token(portal: Portal, csrf):
    path = portal.invite()
    portal.client.get(path)
    if csrf == "other-invitation":
        csrf = form_token(portal.client.get(portal.invite("bob")).text)
    response = portal.submit(path, GOOD_URL, csrf)
    assert response.status_code == 403
    assert "did not come from your invitation page" in response.text
    assert portal.queued.requests == []
    assert invitation_of(portal.store, path).used_at is None
    assert portal.open_and_submit(path, GOOD_URL).status_code == 200  # the link still works


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://evil.example.com/alice/kv", "host &#39;evil.example.com&#39; is not allowed"),
        ("https://gitlab.com/alice/kv", "resolves to a non-public address (10.0.0.7)"),
        ("https://127.0.0.1/alice/kv", "host &#39;127.0.0.1&#39; is not allowed"),
        ("https://169.254.169.254/latest", "is not allowed for this challenge"),
        ("ext::sh -c touch% /tmp/pwned", "git remote helpers (transport::address) are not"),
        ("file:///etc/passwd", "only https repository URLs are accepted"),
        ("http://github.com/alice/kv", "only https repository URLs are accepted"),
        ("https://alice:token@github.com/alice/kv", "credentials in the URL are not accepted"),
        ("", "enter the https URL of your repository"),
        ("https://github.com/" + "a" * 2100, "enter the https URL of your repository"),
    ],
)
def test_a_refused_url_is_shown_on_the_page_and_nothing_is_enqueued(portal: Portal, url,
                                                                     reason):  # fmt: skip
    path = portal.invite()
    response = portal.open_and_submit(path, url)
    assert response.status_code == 400
    assert "Your link was not accepted" in response.text
    assert reason in response.text
    assert SPEC_LINE in response.text  # the same page, with the form to try again
    assert portal.queued.requests == []
    assert set(portal.dns.asked) <= {"gitlab.com"}  # only an allowed host was ever looked up
    assert invitation_of(portal.store, path).used_at is None
    assert portal.store.count("audit_log") == 0


def test_a_refused_url_is_escaped_on_the_page(portal: Portal):
    response = portal.open_and_submit(portal.invite(), f"https://evil.example.com/{HOSTILE}")
    assert response.status_code == 400
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text
    assert portal.queued.requests == []


def test_a_good_url_is_handed_over_once_with_the_window(portal: Portal, kv_store):
    path = portal.invite()
    response = portal.open_and_submit(path, GOOD_URL)
    assert response.status_code == 200
    assert "received" in response.text
    assert GOOD_URL in response.text
    assert f'href="{path}/result"' in response.text
    invitation = invitation_of(portal.store, path)
    [request] = portal.queued.requests
    assert request.source == GOOD_URL
    assert request.challenge is kv_store
    assert request.ref is None  # the time window picks the commit
    assert request.submission_id == "alice"
    assert request.window_start == invitation.opened_at is not None
    assert request.deadline == invitation.deadline is not None
    assert invitation.used_at is not None
    assert portal.dns.asked == ["github.com"]
    assert portal.store.count("audit_log") == 1
    assert leaks(response.text, kv_store) == []


def test_a_submission_that_cannot_be_queued_leaves_the_link_usable(portal: Portal):
    path = portal.invite()
    portal.queued.down = 1
    failed = portal.open_and_submit(path, GOOD_URL)
    assert failed.status_code == 503
    assert "try again in a few minutes" in failed.text
    assert invitation_of(portal.store, path).used_at is None
    assert portal.open_and_submit(path, GOOD_URL).status_code == 200
    assert len(portal.queued.requests) == 1


def test_a_used_link_is_refused(portal: Portal):
    path = portal.invite()
    csrf = form_token(portal.client.get(path).text)
    assert portal.submit(path, GOOD_URL, csrf).status_code == 200
    for response in (portal.client.get(path), portal.submit(path, GOOD_URL, csrf),
                     portal.submit(path, "https://github.com/alice/other", csrf)):  # fmt: skip
        assert response.status_code == 403
        assert "already used" in response.text
        assert f'href="{path}/result"' in response.text
    assert len(portal.queued.requests) == 1


def test_racing_submissions_hand_over_one(portal: Portal):
    path = portal.invite()
    csrf = form_token(portal.client.get(path).text)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def submit() -> None:
        barrier.wait()
        statuses.append(portal.submit(path, GOOD_URL, csrf).status_code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 403, 403, 403]
    assert len(portal.queued.requests) == 1


# --- forged and expired links -----------------------------------------------------------------


def tampered(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def test_forged_links_are_403(portal: Portal):
    path = portal.invite()
    token = path.rsplit("/", 1)[1]
    invitation = invitation_of(portal.store, path)
    other_secret = tokens.link_token("another-portal-secret-0123456789", invitation)
    nonce = f"{invitation.id}.{invitation.token_nonce}"
    forged = [tampered(token), other_secret, "nope", "a" * 22 + "." + "b" * 43,
              token.split(".")[0], token + "x", nonce]  # fmt: skip
    for bad in forged:
        for response in (portal.client.get(f"/invite/{bad}"),
                         portal.client.get(f"/invite/{bad}/result"),
                         portal.submit(f"/invite/{bad}", GOOD_URL, "x")):  # fmt: skip
            assert response.status_code == 403, bad
            assert NOT_VALID.replace("'", "&#39;") in response.text
    assert invitation_of(portal.store, path).opened_at is None
    assert portal.queued.requests == []


def test_an_expired_link_is_403_and_starts_no_clock(portal: Portal):
    past = datetime.now(UTC) - timedelta(minutes=1)
    invitation = portal.store.create_invitation("kv-store", "alice", past)
    path = f"/invite/{tokens.link_token(PORTAL_SECRET, invitation)}"
    page = portal.client.get(path)
    assert page.status_code == 403
    assert "This invitation expired on" in page.text
    csrf = tokens.form_token(PORTAL_SECRET, invitation)  # even with a genuine form token
    assert portal.submit(path, GOOD_URL, csrf).status_code == 403
    assert portal.queued.requests == []
    assert portal.store.invitation(invitation.id) == invitation  # not opened, not used
    assert portal.client.get(f"{path}/result").status_code == 200  # the result stays readable


def test_without_a_secret_the_portal_is_closed(tmp_path: Path, kv_store: Challenge):
    for site in serve_portal(tmp_path, ("kv-store", kv_store), secret=None):
        invitation = site.store.create_invitation("kv-store", "alice", None)
        response = site.client.get(f"/invite/{tokens.link_token(PORTAL_SECRET, invitation)}")
        assert response.status_code == 503
        assert "TAKEHOME_PORTAL_SECRET" in response.text


def test_a_huge_form_is_413(portal: Portal):
    path = portal.invite()
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = portal.client.post(path, content=b"repo_url=" + b"x" * 100_000, headers=form)
    assert response.status_code == 413
    assert portal.queued.requests == []


# --- the result page --------------------------------------------------------------------------


def _graded(store: Store, challenge: Challenge, alias: str = "alice") -> Scorecard:
    """A scorecard of the alias's submission with failing hidden tests and hostile output,
    stored as a finished run, graded now."""
    failing = {case.name: CaseStatus.FAILED for case in challenge.tests[:3]}
    info = SubmissionInfo(id=alias, source=GOOD_URL, ref=None, commit="abc123")
    card = build_scorecard(challenge, info,
                           measurement(challenge, failing, Outcome.TEST_FAILURES,
                                       f"reason {HOSTILE}"),
                           provenance(challenge), [])  # fmt: skip
    now = datetime.now(UTC).replace(microsecond=0)  # as the pipeline stamps it
    stamped = card.provenance.model_copy(update={"graded_at": now})
    card = card.model_copy(update={"provenance": stamped})
    sub = store.submission_for(challenge.config.id, alias, GOOD_URL, None)
    key = idempotency_key(alias, GOOD_URL, str(uuid.uuid4()), challenge.suite_hash, "img")
    run_id, claimed = store.start_run(sub, key, "abc123", challenge.suite_hash, "img")
    assert claimed
    store.finish_run(run_id, card)
    return card


def test_the_result_page_shows_the_candidate_view_only(portal: Portal, kv_store):
    path = portal.invite()
    before = portal.client.get(f"{path}/result")
    assert before.status_code == 200
    assert "Nothing has been submitted" in before.text
    _graded(portal.store, kv_store)  # an earlier grading of the same alias: not this link's
    assert portal.open_and_submit(path, GOOD_URL).status_code == 200
    waiting = portal.client.get(f"{path}/result")
    assert "It is being graded" in waiting.text
    card = _graded(portal.store, kv_store)
    page = portal.client.get(f"{path}/result")
    assert page.status_code == 200
    assert "Some automated checks did not pass." in page.text
    assert f"{card.tests.passed} of {card.tests.total}" in page.text
    assert "abc123" in page.text
    for shown in (before, waiting, page):
        assert leaks(shown.text, kv_store) == []
        assert "reason" not in shown.text  # the scorecard's reason is for reviewers


def test_the_visible_tests_policy_shows_those_tests_only(tmp_path: Path, kv_store: Challenge):
    visible = _with_policy(kv_store, tmp_path / "copy", "visible_tests")
    shown_name = next(case.name for case in visible.tests if "visible" in case.markers)
    for site in serve_portal(tmp_path / "site", ("kv-visible", visible)):
        path = site.invite(challenge="kv-visible")
        assert site.open_and_submit(path, GOOD_URL).status_code == 200
        _graded(site.store, visible)
        page = site.client.get(f"{path}/result")
        assert page.status_code == 200
        assert shown_name in page.text
        assert leaks(page.text, visible, frozenset({shown_name})) == []


# --- takehome invite, as a user runs it -------------------------------------------------------


def _invite(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("TAKEHOME_")}  # fmt: skip
    env.update({"TAKEHOME_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
                "TAKEHOME_PUBLIC_URL": "https://grading.example.com/", **settings})  # fmt: skip
    return subprocess.run([sys.executable, "-m", "takehome", "invite", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_takehome_invite_prints_a_working_link(tmp_path: Path, kv_store: Challenge):
    result = _invite(tmp_path, "--challenge", "kv-store", "--candidate", "alice", "--hours", "2",
                     TAKEHOME_PORTAL_SECRET=PORTAL_SECRET)  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = result.stdout.strip()
    assert re.fullmatch(r"https://grading\.example\.com/invite/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}",
                        link), link  # fmt: skip
    token = link.rsplit("/", 1)[1]
    with Store.open(f"sqlite:///{tmp_path / 'cli.db'}") as store:
        invitation = store.invitation(tokens.token_id(token) or "")
        assert invitation is not None
        assert (invitation.challenge_id, invitation.alias) == ("kv-store", "alice")
        assert tokens.link_ok(PORTAL_SECRET, invitation, token)
        assert invitation.deadline is not None
        left = invitation.deadline - datetime.now(UTC)
        assert timedelta(hours=1, minutes=58) < left <= timedelta(hours=2)


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        (["--challenge", "kv-store", "--candidate", "alice"], {},
         "error: TAKEHOME_PORTAL_SECRET: required to sign invitation links"),
        (["--challenge", "kv-store", "--candidate", "../alice"],
         {"TAKEHOME_PORTAL_SECRET": PORTAL_SECRET}, "error: --candidate '../alice': use letters"),
        (["--challenge", "no-such", "--candidate", "alice"],
         {"TAKEHOME_PORTAL_SECRET": PORTAL_SECRET}, "error: no-such: no such challenge"),
        (["--challenge", "kv-store", "--candidate", "alice"],
         {"TAKEHOME_PORTAL_SECRET": "short"}, "error: TAKEHOME_PORTAL_SECRET: use at least 16"),
    ],
)  # fmt: skip
def test_takehome_invite_errors_are_one_line(tmp_path: Path, args, settings, message):
    result = _invite(tmp_path, *args, **settings)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(message)
