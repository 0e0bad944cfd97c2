"""The options every run container is created with, and the limits a run image carries.

Apart from ``runner.sandbox.container`` (which runs the suite and reads its evidence, and so
loads the challenge and grader models) so that a one-shot grade can create its container
before those models load (``runner.sandbox.early``): the standard library and the docker SDK
only. The hardening is here, in code; of a challenge, only its four limits.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import docker.types

from runner.sandbox.handoff import HANDOFF, HOSTS_NAME
from runner.sandbox.ownership import LABEL, owner_label

OPT = "/opt/takehome"
RUN_DIR = f"{OPT}/run"
"""A root-owned tmpfs where the wrapper puts this run's copy of the suite."""
ROOT = "0:0"
"""Only the wrapper starts as root, with the capabilities below (runner/sandbox/container.py)."""
CAPABILITIES = ["SETUID", "SETGID", "SETPCAP", "KILL"]
RUN_TMPFS = "rw,nosuid,nodev,noexec,size=16m,mode=0755"
"""Root-owned: the wrapper's copy of the suite, which the candidate's uid can only read."""
LOG_CAP = "4m"
SOURCE_LABEL = f"{LABEL}.source"
"""On a run image: ``source_key`` of the challenge it was built from."""
SOURCE_REPOSITORY = "takehome-source"
"""A run image's second name, ``takehome-source:<source_key>``: the last image built from those
files, found with one inspection (a listing filtered by label took 60 ms with 100 images)."""
LIMITS_LABEL = f"{LABEL}.limits"
"""On a run image: its challenge's limits, as ``container_options`` takes them (JSON)."""


class RunLimits(Protocol):
    """What a container's options take of a challenge's limits (``challenges.model.Limits``)."""

    @property
    def memory_bytes(self) -> int: ...

    @property
    def cpus(self) -> float: ...

    @property
    def pids(self) -> int: ...

    @property
    def tmpfs_bytes(self) -> int: ...


@dataclass(frozen=True)
class LabelledLimits:
    """Limits as a run image's label gives them."""

    memory_bytes: int
    cpus: float
    pids: int
    tmpfs_bytes: int


SOURCE_CAP_BYTES = 16 * 1024 * 1024
SOURCE_CAP_FILES = 2000
"""Past either, a challenge directory has no source key (and no early start): hashing it
before every grade would cost more than an early start saves."""


def source_key(challenge_root: Path) -> str | None:
    """What finds a challenge's run image before the challenge is loaded: a hash of the files
    of the challenge directory as they are on disk (paths and bytes; symlinks, hidden files,
    caches and ``samples/``, which are graded rather than built in, left out). Only a guess
    at the image (a start verified later, ``runner.sandbox.early``). None, and no early start,
    for a directory past the caps or with a file that cannot be read."""
    try:
        return _hashed(challenge_root)
    except OSError:
        return None


def _hashed(challenge_root: Path) -> str | None:
    digest = hashlib.sha256()
    size = count = 0
    for base, directories, files in os.walk(challenge_root):
        here = Path(base)
        directories[:] = sorted(
            name for name in directories
            if name != "__pycache__" and not name.startswith(".")
            and not (here == challenge_root and name == "samples")
            and not (here / name).is_symlink()
        )  # fmt: skip
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            count, size = count + 1, size + path.stat().st_size
            if count > SOURCE_CAP_FILES or size > SOURCE_CAP_BYTES:
                return None
            relative = path.relative_to(challenge_root).as_posix()
            digest.update(os.fsencode(relative) + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def early_labels(challenge_root: Path, limits: RunLimits) -> dict[str, str]:
    """What a one-shot grade's early start finds a run image by and starts it with
    (``runner.sandbox.early``); part of the image's tag, so that they never go stale."""
    labels = {LIMITS_LABEL: limits_label(limits)}
    key = source_key(challenge_root)
    if key is not None:  # None: too big to find this way, no early start
        labels[SOURCE_LABEL] = key
    return labels


def limits_label(limits: RunLimits) -> str:
    return json.dumps(
        {"memory_bytes": limits.memory_bytes, "cpus": limits.cpus, "pids": limits.pids,
         "tmpfs_bytes": limits.tmpfs_bytes}, sort_keys=True,
    )  # fmt: skip


def _positive_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def labelled_limits(text: str | None) -> LabelledLimits | None:
    """The limits of ``limits_label``, or None for anything else (a label made by hand)."""
    try:
        given = json.loads(text) if text else None
    except (ValueError, RecursionError):  # not JSON, or a nesting bomb
        return None
    if not isinstance(given, dict) or set(given) != {"memory_bytes", "cpus", "pids", "tmpfs_bytes"}:
        return None
    cpus = given["cpus"]
    if isinstance(cpus, bool) or not isinstance(cpus, int | float) or not math.isfinite(cpus):
        return None
    memory, pids, tmpfs = (_positive_int(given[name]) for name in ("memory_bytes", "pids",
                                                                    "tmpfs_bytes"))  # fmt: skip
    if memory is None or pids is None or tmpfs is None or cpus <= 0:
        return None
    return LabelledLimits(memory_bytes=memory, cpus=float(cpus), pids=pids, tmpfs_bytes=tmpfs)


def container_options(image_id: str, handoff: Path, limits: RunLimits) -> dict[str, Any]:
    """Keyword arguments of ``containers.create`` for one hardened run."""
    return {
        "image": image_id,
        "user": ROOT,
        "working_dir": "/tmp",
        "environment": {"HOME": "/tmp", "LANG": "C.UTF-8"},
        "hostname": "sandbox",
        "network_mode": "none",
        # No libnetwork sandbox at all: the namespace still has only a loopback, and each
        # start skips a prestart hook that re-executes dockerd (a third of a start's CPU).
        "network_disabled": True,
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,nosuid,nodev,size={limits.tmpfs_bytes}", RUN_DIR: RUN_TMPFS},
        "volumes": {
            str(handoff): {"bind": HANDOFF, "mode": "ro"},
            str(handoff / HOSTS_NAME): {"bind": "/etc/hosts", "mode": "ro"},
        },
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
        "cap_add": CAPABILITIES,
        "labels": {LABEL: "run", f"{LABEL}.owner": owner_label()},
        "detach": True,
    }
