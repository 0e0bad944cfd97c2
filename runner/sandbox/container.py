"""One locked-down container per submission: start, hand over, wait with a deadline, collect,
remove.

The hardening is not optional and not configurable per challenge beyond the limits: no
network, a read-only root with a small tmpfs, memory = memory+swap, a CPU quota, a pids
limit, file-size and core ulimits, capped logs, an init process, no new privileges. The
container starts as root with four capabilities and nothing else, only so that the wrapper
can put the candidate's test process under another uid with none (SETUID, SETGID, SETPCAP
to empty the bounding set) and stop it at the deadline (KILL); the wrapper then drops to
its own uid with KILL alone (runner/sandbox/wrapper/privileges.py). A container is started
before its submission is known and takes exactly one (``runner.sandbox.handoff``); it is
removed on every path, errors included.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors
import docker.models.containers
import docker.types
import requests.exceptions

from challenges.model import Limits
from graders.base import RunEvidence
from runner.errors import InfraError
from runner.sandbox.engine import ENGINE_ERRORS, engine_message
from runner.sandbox.handoff import Handoff
from runner.sandbox.options import container_options
from runner.sandbox.ownership import mark_active, mark_done
from runner.sandbox.run_images import HOST_GRACE, RunImage

STDOUT_CAP = 4 * 1024 * 1024


@dataclass(frozen=True)
class RunContainer:
    """A started container whose wrapper waits for its one submission."""

    container: docker.models.containers.Container
    handoff: Handoff
    limits: Limits


def _remove(container: docker.models.containers.Container) -> None:
    """Remove the container; if the engine fails, the reaper will (it is no longer active)."""
    try:
        container.remove(force=True, v=True)
    except docker.errors.NotFound:
        pass
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"the Docker engine failed to remove container {container.id}: {error}"
        ) from None
    finally:
        mark_done(str(container.id))


def start_container(
    client: docker.DockerClient, image: RunImage, limits: Limits, work_root: Path | None
) -> RunContainer:
    """Create and start a run container that waits for its handoff; InfraError if the engine
    fails, with nothing left behind."""
    handoff = Handoff.create(work_root)
    container = None
    try:
        container = client.containers.create(
            **container_options(image.id, handoff.directory, limits)
        )
        mark_active(str(container.id))
        container.start()
    except ENGINE_ERRORS as error:
        if container is not None:
            _discard_container(container)
        handoff.remove()
        raise InfraError(
            f"the Docker engine failed to start a run container: {engine_message(error)}"
        ) from None
    return RunContainer(container, handoff, limits)


def _discard_container(container: docker.models.containers.Container) -> None:
    with contextlib.suppress(InfraError):  # no longer active: the reaper takes it
        _remove(container)


def discard(run: RunContainer) -> None:
    """Remove a container that will not be used (a pool closing, a batch interrupted)."""
    _discard_container(run.container)
    run.handoff.remove()


def _running(container: docker.models.containers.Container) -> bool:
    container.reload()
    return container.status in ("created", "running")


def run_suite(run: RunContainer, tree: Path) -> RunEvidence:
    """Hand ``tree`` to the started container and collect the suite's report; engine
    failures raise InfraError. The tree is back in place afterwards, the container gone."""
    container = run.container
    deadline = run.limits.wall_seconds + HOST_GRACE
    try:
        run.handoff.put(tree)
        try:
            run.handoff.go(lambda: _running(container))
            started = time.monotonic()
            host_timed_out = False
            exit_code: int | None
            try:
                exit_code = int(container.wait(timeout=deadline)["StatusCode"])
            except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
                if time.monotonic() - started < deadline - 1.0:
                    raise  # the engine went away, not the wall timeout
                host_timed_out = True
                exit_code = None
                container.kill()
            seconds = time.monotonic() - started
        finally:
            run.handoff.take_back(tree)
        oom_killed = False
        if exit_code != 0:  # the wrapper exits 0 whenever it lived to report
            container.reload()
            oom_killed = bool(container.attrs.get("State", {}).get("OOMKilled", False))
        stdout = container.logs(stdout=True, stderr=False)[-STDOUT_CAP:]
        return RunEvidence(
            exit_code=exit_code,
            oom_killed=oom_killed,
            host_timed_out=host_timed_out,
            stdout=stdout,
            seconds=round(seconds, 4),
        )
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"the Docker engine failed during the run: {engine_message(error)}"
        ) from None
    finally:
        try:
            _remove(container)
        finally:
            run.handoff.remove()
