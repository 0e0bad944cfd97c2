"""From settings to a running server: the config the app gets, the grading pool behind
``enqueue``, uvicorn; and the link ``takehome invite`` prints.

Secrets shorter than 16 characters are refused here, at start, rather than accepted and
guessed later. Challenges are loaded once per reference and kept (the app asks per request).
"""

from __future__ import annotations

import logging
import re
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path

import uvicorn
from pydantic import SecretStr, ValidationError

from challenges.base_error import TakehomeError
from challenges.load import CATALOG, Challenge
from challenges.roster import RosterEntry, load_roster
from runner.store.runs import Store
from takehome import wiring
from takehome.settings import Settings
from takehome.web.app import create_app
from takehome.web.config import WatchedRepo, WebConfig
from takehome.web.grading_pool import GradingPool
from takehome.web.review_session import ReviewConfig
from takehome.web.tokens import new_link

MIN_SECRET = 16
_TOKEN_IN_PATH = re.compile(r"/(invite|login)/[^/?#\s]+")


def secret(value: SecretStr | None, name: str) -> str | None:
    if value is None:
        return None
    text = value.get_secret_value()
    if len(text) < MIN_SECRET:
        raise TakehomeError(f"TAKEHOME_{name}: use at least {MIN_SECRET} random characters")
    return text


def challenge_reference(challenge: Challenge) -> str:
    """What an invitation stores to find its challenge again: the slug of a bundled one, the
    absolute directory of any other."""
    return challenge.root.name if challenge.root.parent == CATALOG else str(challenge.root)


def web_config(settings: Settings) -> WebConfig:
    """The app's config; the roster (if set) loaded and its challenge checked now."""
    load = cache(wiring.challenge)
    roster: tuple[WatchedRepo, ...] = ()
    if settings.roster is not None:
        if settings.roster_challenge is None:
            raise TakehomeError("TAKEHOME_ROSTER_CHALLENGE: required with TAKEHOME_ROSTER")
        challenge = load(settings.roster_challenge)
        roster = tuple(
            WatchedRepo(clone_url=entry.repo, alias=entry.alias, challenge=challenge,
                        ref=entry.ref, window_start=entry.invited_at, deadline=entry.deadline)
            for entry in load_roster(settings.roster)
        )  # fmt: skip
    return WebConfig(
        public_url=settings.public_url,
        webhook_secret=secret(settings.webhook_secret, "WEBHOOK_SECRET"),
        portal_secret=secret(settings.portal_secret, "PORTAL_SECRET"),
        challenges=load,
        roster=roster,
    )


def _redacted(value: object) -> object:
    return _TOKEN_IN_PATH.sub(r"/\1/<token>", value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Access log lines show ``/invite/<token>`` and ``/login/<token>``: an invitation link
    is a candidate's credential, a sign-in link a reviewer's."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        return True


def listening_socket(host: str, port: int) -> socket.socket:
    """The server's socket, bound here rather than by uvicorn: a busy port or an unknown host
    is one line naming it (uvicorn would log it and exit 3, the code of a crash)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as error:  # gaierror included
        reason = (error.strerror or str(error)).split(" (while attempting")[0].lower()
        raise TakehomeError(f"--host {host} --port {port}: cannot listen there: {reason}") from None


class Terminated(KeyboardInterrupt):
    """SIGTERM (systemd, ``docker stop``) after uvicorn's graceful stop: shut down as Ctrl-C
    does (a second one, during the wait for gradings, is a second Ctrl-C: "interrupted")."""


def _on_sigterm(_signal: int, _frame: object) -> None:
    raise Terminated


@contextmanager
def _sigterm_as_exception() -> Iterator[None]:
    """uvicorn catches SIGTERM, drains its connections, then raises the signal again with the
    handler it found; by default that kills the process before any ``finally`` runs (and the
    warm containers stay). With this handler the signal becomes ``Terminated`` instead."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: there is nothing to install
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(settings: Settings, host: str, port: int, out_dir: Path, slots: int) -> None:
    """Run the web app until interrupted (Ctrl-C or SIGTERM); gradings already queued finish
    and warm containers are removed before it exits."""
    config = web_config(settings)
    listener = listening_socket(host, port)
    with listener, Store.open(settings.store_url) as store, _sigterm_as_exception():
        pool = GradingPool(settings, store, out_dir, slots)
        try:
            review = ReviewConfig(public_url=settings.public_url,
                                  per_submission=settings.reviewers_per_submission,
                                  blind=settings.review_blind)  # fmt: skip
            app = create_app(config, store, pool.enqueue, review)
            options = uvicorn.Config(app, host=host, port=port, server_header=False,
                                     log_level="info")  # fmt: skip
            logging.getLogger("uvicorn.access").addFilter(RedactTokens())  # after its config
            uvicorn.Server(options).run(sockets=[listener])
        except KeyboardInterrupt:  # uvicorn re-raises the signal it stopped for (Terminated too)
            pass
        finally:
            pool.close()


def invite(settings: Settings, challenge_ref: str, alias: str, hours: float) -> str:
    """A new invitation's link; the challenge is loaded first, so a typo fails here."""
    portal_secret = secret(settings.portal_secret, "PORTAL_SECRET")
    if portal_secret is None:
        raise TakehomeError("TAKEHOME_PORTAL_SECRET: required to sign invitation links")
    try:  # the alias rules of a roster: it names a report folder
        RosterEntry(alias=alias, repo="-")
    except ValidationError:
        raise TakehomeError(f"--candidate {alias!r}: use letters, digits, '.', '_' or '-' "
                            "(64 at most), starting with a letter or digit") from None  # fmt: skip
    reference = challenge_reference(wiring.challenge(challenge_ref))
    with Store.open(settings.store_url) as store:
        return new_link(store, portal_secret, settings.public_url, reference, alias,
                        timedelta(hours=hours))  # fmt: skip
