"""A one-shot grade's run container, started before the grader's own modules load.

``takehome grade`` spends its first tenth of a second importing pydantic, the challenge
models and the graders, and only then could it ask the engine for a container, whose start
and boot take as long again. Started from here, with the standard library and the docker SDK
alone, the container boots while those load (``takehome.commands.grading``).

It is a guess, and treated as one:

- its image is the last run image built from the challenge directory's files (tagged
  ``takehome-source:<source_key>``) and its limits are that image's label
  (``options.early_labels``); the hardening, the mounts and the labels come from
  ``options.container_options``, as for every run container;
- like every run container it waits at its handoff with nothing of the candidate's inside
  (``runner.sandbox.handoff``);
- the grade takes it (``StartedAhead``) only if the options it computes itself, from the
  loaded challenge, the image it checked and the validated settings, are exactly the options
  this container was created with, in the scratch directory the settings name; otherwise the
  container is removed and the grade starts its own.

Whatever fails here (no engine, no image yet, a label made by hand) means no early start,
never an error: the grade meets the problem again where it is reported.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.models.containers

from runner.interrupts import settled
from runner.sandbox.engine import ENGINE_ERRORS
from runner.sandbox.handoff import Handoff
from runner.sandbox.options import (
    LIMITS_LABEL,
    SOURCE_REPOSITORY,
    RunLimits,
    container_options,
    labelled_limits,
    source_key,
)
from runner.sandbox.ownership import LABEL, mark_active, mark_done

START_SWITCH_INTERVAL = 0.0005
"""Seconds the interpreter lets a thread run before another may take it, while a container
starts in the background (Python's default: 0.005)."""


@contextmanager
def prompt_switches() -> Iterator[None]:
    """While a container starts on a thread, the grade's main thread imports: pure Python that
    holds the interpreter. Each time the engine answers one of the start's calls, the starting
    thread must wait for the main one to let go; at the default interval that is up to 5 ms
    each time, and a one-shot grade took about 45 ms longer (``benchmarks/one_shot.py``). The
    interval is put back once the container started, unless something else changed it."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(START_SWITCH_INTERVAL)
    try:
        yield
    finally:
        if sys.getswitchinterval() == START_SWITCH_INTERVAL:
            sys.setswitchinterval(previous)


@dataclass(frozen=True)
class Claimed:
    """A started early container, handed to the grade that checks and takes it."""

    container: docker.models.containers.Container
    handoff: Handoff
    options: dict[str, Any]

    def fits(self, image_id: str, limits: RunLimits, work_root: Path | None) -> bool:
        """Whether this is exactly the container the grade would start itself, its handoff
        made in the scratch directory the grade's settings name."""
        scratch = Path(tempfile.gettempdir()) if work_root is None else work_root
        expected = container_options(image_id, self.handoff.directory, limits)
        return self.handoff.directory.parent == scratch and self.options == expected


class EarlyStart:
    """One container created and started on a thread; ``claim`` it or ``close`` it."""

    def __init__(
        self, client: docker.DockerClient, handoff: Handoff, options: dict[str, Any]
    ) -> None:
        self._client = client
        self._handoff, self._options = handoff, options
        self._claimed: Claimed | None = None
        self._failed = False
        self._settled = threading.Event()
        self._thread = threading.Thread(target=self._create_and_start, name="early", daemon=True)
        self._thread.start()

    @classmethod
    def begin(cls, challenge_root: Path, work_root: Path | None) -> EarlyStart | None:
        """The container of the challenge in ``challenge_root`` being started, or None."""
        key = source_key(challenge_root)
        if key is None:
            return None
        try:
            client = docker.from_env(version="auto")
        except ENGINE_ERRORS:
            return None
        try:
            # the run image last built from these files; ImageNotFound before the first build
            image = client.images.get(f"{SOURCE_REPOSITORY}:{key}")
            labels = image.labels or {}
            limits = labelled_limits(labels.get(LIMITS_LABEL))
            if limits is None or labels.get(LABEL) != "run-image":
                client.close()
                return None
            handoff = Handoff.create(work_root)
        except (OSError, *ENGINE_ERRORS):
            client.close()
            return None
        return cls(client, handoff, container_options(str(image.id), handoff.directory, limits))

    def _create_and_start(self) -> None:
        """On the thread: nothing here raises; a failure means nothing to claim."""
        try:
            with prompt_switches():
                self._claimed = self._created()
                if self._claimed is not None:
                    self._claimed.container.start()
        except Exception:  # removed by ``claim`` or ``close``
            self._failed = True
        finally:
            self._settled.set()

    def _created(self) -> Claimed | None:
        try:
            container = self._client.containers.create(**self._options)
        except Exception:  # an engine error, or anything else: no early start
            self._handoff.remove()
            return None
        mark_active(str(container.id))
        return Claimed(container, self._handoff, self._options)

    def claim(self) -> Claimed | None:
        """The started container, once: the caller checks it and removes it if it does not
        fit. None if it failed to start (then it is removed here) or was claimed already."""
        self._settled.wait()  # not a join: see runner.interrupts
        claimed, self._claimed = self._claimed, None
        if claimed is not None and self._failed:
            discard_claimed(self._client, claimed)
            return None
        return claimed

    def close(self) -> None:
        """Remove the container unless it was claimed, once its start is over: through
        Ctrl-C, which is raised afterwards (``runner.interrupts``)."""
        interrupted = settled(self._settled.wait)
        claimed, self._claimed = self._claimed, None
        if claimed is not None:
            discard_claimed(self._client, claimed)
        self._client.close()
        if interrupted is not None:
            raise interrupted


def discard_claimed(client: docker.DockerClient, claimed: Claimed) -> None:
    """Remove an early container no run took; if the engine fails, the reaper will (it is no
    longer active)."""
    container_id = str(claimed.container.id)
    try:
        with contextlib.suppress(*ENGINE_ERRORS):
            client.api.remove_container(container_id, force=True, v=True)
    finally:
        mark_done(container_id)
        claimed.handoff.remove()
