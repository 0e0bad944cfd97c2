"""Grading through the queue: ``takehome worker`` on each Docker host, ``batch --queue`` to
send a roster to the workers and wait for its scorecards in the store."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from pathlib import Path

import click
from celery import Celery
from rich.console import Console

from challenges.load import CATALOG, Challenge
from challenges.roster import RosterEntry
from reports.render.pages import write_reports
from reports.scorecard import Scorecard
from runner.batch import default_slots
from runner.pipeline import PipelineConfig
from runner.queue.celery_app import check_broker, make_app, prepare_worker
from runner.queue.jobs import Job, job_key
from runner.queue.waiting import infra_error_card, send, wait
from runner.recording import Graded
from runner.sandbox.run_images import RunImage
from runner.store.runs import Store
from takehome import wiring
from takehome.batch_view import progress_bar
from takehome.settings import Settings, load_settings


def app_from_settings(settings: Settings, concurrency: int | None = None) -> Celery:
    """The workers' app as the settings describe it (broker, store, lease, images)."""
    return make_app(
        settings.broker_url, settings.store_url, base_image=settings.base_image,
        lease=timedelta(seconds=settings.lease), concurrency=concurrency,
        docker_timeout=settings.docker_timeout,
        configure=lambda challenge, blind: wiring.pipeline_config(settings, challenge, blind),
    )  # fmt: skip


def default_concurrency() -> int:
    """Cores divided by the largest CPU quota among the bundled challenges: a worker takes no
    more jobs at once than its host can run at their full quota, whichever challenge comes."""
    bundled = [path for path in sorted(CATALOG.iterdir()) if (path / "challenge.toml").is_file()]
    return min((default_slots(wiring.challenge(path)) for path in bundled), default=1)


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=None,
    help="Jobs at once (default: cores divided by the CPU quota of one job).",
)
def worker_command(concurrency: int | None) -> None:
    """Grade jobs from the queue (TAKEHOME_BROKER_URL) into the store (TAKEHOME_DATABASE_URL)
    until stopped; run one worker per Docker host.

    A job that a dead worker left is graded again after TAKEHOME_LEASE seconds; each
    submission still gets exactly one scorecard.
    """
    settings = load_settings()
    app = app_from_settings(settings, concurrency or default_concurrency())
    check_broker(app)  # no broker, engine or database: one line now, not endless retries
    prepare_worker(app)
    worker = app.Worker(
        hostname=f"takehome-{os.getpid()}@{socket.gethostname()}", loglevel="INFO",
        without_mingle=True, without_gossip=True, without_heartbeat=True,
    )  # fmt: skip
    worker.start()
    raise SystemExit(worker.exitcode or 0)


def _challenge_ref(challenge_ref: str) -> str:
    """A challenge directory as an absolute path (workers run elsewhere), a slug as it is."""
    path = Path(challenge_ref)
    return str(path.resolve()) if path.is_dir() else challenge_ref


def grade_queued(
    settings: Settings, entries: list[RosterEntry], challenge_ref: str, challenge: Challenge,
    image: RunImage, config: PipelineConfig, out_dir: Path, blind: bool | None,
) -> tuple[list[Scorecard], int]:  # fmt: skip
    """Send the roster to the workers and wait for every scorecard; (scorecards in roster
    order, how many were already in the store). Reports are written here from the store
    too, so the index is whole even when the workers write theirs on other hosts."""
    app = app_from_settings(settings)
    jobs = [Job.for_entry(entry, _challenge_ref(challenge_ref), out_dir, blind)
            for entry in entries]  # fmt: skip

    def key_of(job: Job) -> str:
        return job_key(job, challenge, image, config.intake, config.work_root)[0]

    cards: dict[str, Scorecard] = {}
    with Store.open(settings.store_url, timedelta(seconds=settings.lease)) as store:
        sent = send(app, store, jobs, key_of)
        for job, card in sent.kept:
            write_reports(card, out_dir / card.submission.id, config.review_url)
            cards[job.alias] = card
        with progress_bar(Console(stderr=True), len(sent.waiting)) as advance:

            def landed(job: Job, result: Scorecard | str) -> None:
                card = result
                if not isinstance(card, Scorecard):
                    card = infra_error_card(job, challenge, image, card, config.blind)
                cards[job.alias] = card
                reports = write_reports(card, out_dir / card.submission.id, config.review_url)
                advance(Graded(card, reports))

            wait(app, store, sent.waiting, key_of, landed, resend_after=settings.lease)
    return [cards[job.alias] for job in jobs], len(sent.kept)
