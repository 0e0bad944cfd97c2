"""Which run containers this process owns: the labels every run container carries and the set
of those a run is using now.

Apart from ``runner.sandbox.reaper`` (which imports the run images, and with them the
challenge models) so that a grade's early start (``runner.sandbox.early``) can label and claim
its container before those are loaded: a container of this process that is not marked
active is a leftover to the reaper.
"""

from __future__ import annotations

import os
import socket
import threading

LABEL = "takehome"
_ACTIVE: set[str] = set()
_LOCK = threading.Lock()


def owner_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def mark_active(container_id: str) -> None:
    with _LOCK:
        _ACTIVE.add(container_id)


def mark_done(container_id: str) -> None:
    with _LOCK:
        _ACTIVE.discard(container_id)


def is_active(container_id: str) -> bool:
    with _LOCK:
        return container_id in _ACTIVE
