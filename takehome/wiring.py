"""Turning settings into the objects the library layers take as arguments."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from challenges.base_error import TakehomeError
from challenges.load import Challenge, load_challenge
from graders.registry import available
from runner.sandbox.engine import Engine, connect
from runner.sandbox.reaper import reap
from runner.sandbox.run_images import RunImage, ensure_run_image
from takehome.settings import Settings

if TYPE_CHECKING:  # the pipeline loads after the engine and image (grading.py starts a run)
    from reports.scorecard import Scorecard
    from runner.pipeline import PipelineConfig
    from runner.placement import HasFinishedWork
    from runner.store.runs import Store


def challenge(slug_or_dir: str | Path) -> Challenge:
    return load_challenge(slug_or_dir, available())


def pipeline_config(
    settings: Settings, loaded: Challenge, blind: bool | None = None
) -> PipelineConfig:
    """``blind`` from the command line wins over the setting."""
    from runner.intake.take_in import IntakeOptions
    from runner.intake.url_policy import UrlPolicy
    from runner.pipeline import PipelineConfig

    policy = UrlPolicy(
        allowed_hosts=loaded.config.allowed_hosts, trusted_hosts=settings.trusted_git_hosts
    )
    return PipelineConfig(
        intake=IntakeOptions(policy=policy, allow_local=True, timeout=settings.fetch_timeout),
        work_root=settings.work_dir,
        blind=settings.blind if blind is None else blind,
        has_finished_work=finished_work_in_store(settings),
        review_url=settings.review_url,
    )


def finished_work_in_store(settings: Settings) -> HasFinishedWork | None:
    """Whether the store holds reviews or a decision of a scorecard already on disk. Asked only
    when a grade would land where a scorecard is; a store that cannot be read counts as
    holding work (the new grade then goes beside, and nothing is replaced). None when there is
    no store to ask: opening the default one would make it, and every later grade on the
    machine would then record into it."""
    if not settings.records_for_review:
        return None

    opened: list[Store] = []  # opened (and migrated) once, on the first question
    lock = threading.Lock()

    def check(card: Scorecard) -> bool:
        from runner.store.runs import Store

        try:
            with lock:
                if not opened:
                    opened.append(Store.open(settings.store_url))
            store = opened[0]
            found = store.find_scorecard(card)
            return found is not None and store.has_finished_work(found)
        except TakehomeError:
            return True

    return check


def engine_and_image(settings: Settings, loaded: Challenge) -> tuple[Engine, RunImage]:
    """The engine (leftovers of dead runs reaped first) and the challenge's run image."""
    client = connect(settings.docker_timeout)
    reap(client)
    return client, ensure_run_image(client, loaded, settings.base_image)
