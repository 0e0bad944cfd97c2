"""How a run container that is already started receives its submission.

Starting a container costs about as much as a short suite, so a slot starts the next one
while the current one runs (``runner.sandbox.warm_pool``). Such a container mounts a private host
directory read-only at ``/handoff``, holding only a FIFO; its wrapper blocks opening the FIFO.
The host moves the exported tree into the directory with one rename, so the tree appears
whole, and only then writes ``go``. Nothing of the candidate's exists in the container before
that moment, and the wall clock starts there. Each container takes exactly one handoff.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.errors import InfraError

HANDOFF = "/handoff"
FIFO_NAME = "go"
TREE_NAME = "submission"
HOSTS_NAME = "hosts"
HOSTS = b"127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n"
"""Mounted as /etc/hosts: runs have no engine network stack, which is what would write one."""
GO = b"go\n"
READY_SECONDS = 60.0
"""How long a container may take to reach its FIFO before the engine is blamed."""
_POLL = 0.002
_LIVENESS_EVERY = 0.5


def linked_copy(tree: Path, destination: Path) -> Path:
    """A copy of an exported ``tree`` made of hard links (a plain copy across file systems),
    its in-tree symlinks recreated: the run takes the copy, so the host can go on reading
    the tree meanwhile. The container mounts it read-only, so the shared files stay as they
    are; nothing is followed, the export already kept only what lies inside the tree."""
    pending = [(tree, destination)]
    while pending:  # not recursive: a tree may be deeper than Python's stack
        source, target = pending.pop()
        target.mkdir()
        with os.scandir(source) as entries:
            listed = list(entries)
        for entry in listed:
            copy = target / entry.name
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), copy)
            elif entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), copy))
            else:
                try:
                    os.link(entry.path, copy, follow_symlinks=False)
                except OSError:  # another file system, or links not allowed there
                    shutil.copy2(entry.path, copy, follow_symlinks=False)
    return destination


@dataclass(frozen=True)
class Handoff:
    directory: Path

    @classmethod
    def create(cls, parent: Path | None) -> Handoff:
        """A fresh directory with the FIFO, readable (not writable) by the sandbox user."""
        directory = Path(tempfile.mkdtemp(prefix="takehome-handoff-", dir=parent))
        try:
            directory.chmod(0o755)
            os.mkfifo(directory / FIFO_NAME)
            (directory / FIFO_NAME).chmod(0o644)
            (directory / HOSTS_NAME).write_bytes(HOSTS)
            (directory / HOSTS_NAME).chmod(0o644)
        except OSError:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return cls(directory)

    @property
    def tree(self) -> Path:
        return self.directory / TREE_NAME

    def put(self, tree: Path) -> None:
        """Move ``tree`` in: a rename when both are on one file system, a copy otherwise."""
        shutil.move(tree, self.tree)

    def take_back(self, tree: Path) -> None:
        """Return the tree to where the pipeline expects it."""
        if self.tree.exists():
            shutil.move(self.tree, tree)

    def go(self, alive: Callable[[], bool], ready_seconds: float = READY_SECONDS) -> None:
        """Write ``go`` as soon as the wrapper holds the FIFO open.

        Opening the write end without blocking fails with ENXIO until a reader is there, so
        this polls; ``alive`` is asked now and then, so a container that died at start-up is
        reported at once rather than at the end of ``ready_seconds``.
        """
        fifo = self.directory / FIFO_NAME
        started = time.monotonic()
        next_check = started + _LIVENESS_EVERY
        while True:
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise InfraError(f"the handoff FIFO could not be opened: {error}") from None
            now = time.monotonic()
            if now - started > ready_seconds:
                raise InfraError(f"the run container was not ready after {ready_seconds:.0f}s")
            if now >= next_check:
                if not alive():
                    raise InfraError("the run container exited before it took its submission")
                next_check = now + _LIVENESS_EVERY
            time.sleep(_POLL)
        try:
            os.write(fd, GO)
        except OSError as error:  # the reader went away between open and write
            raise InfraError(f"the run container dropped its handoff: {error}") from None
        finally:
            os.close(fd)

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
