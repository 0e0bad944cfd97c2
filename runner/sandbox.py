"""One locked-down container per submission: start, wait with a deadline, collect, remove.

The hardening is not optional and not configurable per challenge beyond the limits: no
network, an unprivileged user, a read-only root with a small tmpfs, memory = memory+swap,
a CPU quota, a pids limit, file-size and core ulimits, capped logs, an init process, no new
privileges and no capabilities. The container is removed on every path, errors included.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import docker
import docker.errors
import docker.models.containers
import docker.types
import requests.exceptions

from challenges.model import Limits
from graders.base import RunEvidence
from runner.engine import ENGINE_ERRORS
from runner.errors import InfraError
from runner.images import HOST_GRACE, LABEL, SUBMISSION, RunImage
from runner.reaper import mark_active, mark_done, owner_label

NOBODY = "65534:65534"
LOG_CAP = "4m"
STDOUT_CAP = 4 * 1024 * 1024


def container_options(
    image: RunImage, tree: Path, limits: Limits, labels: dict[str, str]
) -> dict[str, Any]:
    """Keyword arguments of ``containers.create`` for one hardened run."""
    return {
        "image": image.id,
        "user": NOBODY,
        "working_dir": "/tmp",
        "environment": {"HOME": "/tmp", "LANG": "C.UTF-8"},
        "hostname": "sandbox",
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,nosuid,nodev,size={limits.tmpfs_bytes}"},
        "volumes": {str(tree): {"bind": SUBMISSION, "mode": "ro"}},
        "mem_limit": limits.memory_bytes,
        "memswap_limit": limits.memory_bytes,
        "nano_cpus": int(limits.cpus * 1e9),
        "pids_limit": limits.pids,
        "ulimits": [
            docker.types.Ulimit(name="nofile", soft=1024, hard=1024),
            docker.types.Ulimit(name="fsize", soft=limits.tmpfs_bytes, hard=limits.tmpfs_bytes),
            docker.types.Ulimit(name="core", soft=0, hard=0),
        ],
        "log_config": docker.types.LogConfig(
            type="json-file", config={"max-size": LOG_CAP, "max-file": "1"}
        ),
        "init": True,
        "ipc_mode": "private",
        "security_opt": ["no-new-privileges"],
        "cap_drop": ["ALL"],
        "labels": {LABEL: "run", f"{LABEL}.owner": owner_label(), **labels},
        "detach": True,
    }


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


def run_suite(
    client: docker.DockerClient, image: RunImage, tree: Path, limits: Limits, labels: dict[str, str]
) -> RunEvidence:
    """Run the hidden suite against ``tree``; engine failures raise InfraError."""
    container = None
    deadline = limits.wall_seconds + HOST_GRACE
    try:
        container = client.containers.create(**container_options(image, tree, limits, labels))
        mark_active(str(container.id))
        started = time.monotonic()
        container.start()
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
        raise InfraError(f"the Docker engine failed during the run: {error}") from None
    finally:
        if container is not None:
            _remove(container)
