"""Finding and removing run containers that nobody will remove any more.

Every run container carries the labels ``takehome=run`` and ``takehome.owner=<host>:<pid>``
of the process that started it. A container is a leftover when its owner process on this
host is gone (a crash, ``kill -9``), or when it belongs to this process but no run is using
it (its removal failed because the engine went away mid-run).
"""

from __future__ import annotations

import os
import socket

import docker
import docker.errors

from runner.sandbox.engine import ENGINE_ERRORS
from runner.sandbox.ownership import LABEL, is_active, mark_active, mark_done, owner_label

__all__ = ["is_leftover", "mark_active", "mark_done", "owner_label", "reap", "reap_quietly"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_leftover(owner: str, container_id: str) -> bool:
    host, _, pid_text = owner.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's run on a shared engine: its own reaper decides
    if int(pid_text) == os.getpid():
        return not is_active(container_id)
    return not _alive(int(pid_text))


def reap(client: docker.DockerClient) -> list[str]:
    """Remove leftover run containers; return their names. Engine errors are left to callers."""
    removed = []
    # The listing itself (not ``containers.list``, which inspects each container after listing
    # them all): a container removed meanwhile by its run or another reaper is not an error.
    for listed in client.api.containers(all=True, filters={"label": f"{LABEL}=run"}):
        container_id = str(listed["Id"])
        owner = (listed.get("Labels") or {}).get(f"{LABEL}.owner", "")
        if not is_leftover(owner, container_id):
            continue
        try:
            client.api.remove_container(container_id, force=True, v=True)
        except docker.errors.NotFound:
            continue
        except docker.errors.APIError as error:
            if error.status_code == 409:  # another reaper's removal is in progress
                continue
            raise
        names = listed.get("Names") or [container_id[:12]]
        removed.append(str(names[0]).lstrip("/"))
    return removed


def reap_quietly(client: docker.DockerClient) -> list[str]:
    """``reap`` for paths that are already handling an engine failure."""
    try:
        return reap(client)
    except ENGINE_ERRORS:
        return []
