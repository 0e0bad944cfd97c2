"""The base image every challenge image starts from: found, pulled, or built here.

Real installations pull an image with Python and pytest. A machine with no registry (an
air-gapped grader, this project's CI) can build one from Debian packages with debootstrap,
which needs only the Debian mirror and root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docker
import docker.errors

from runner.errors import ImageError
from runner.sandbox.engine import ENGINE_ERRORS

DEBOOTSTRAP_PACKAGES = ("python3", "python3-pytest", "python3-pytest-timeout")


def _split(name: str) -> tuple[str, str]:
    repository, _, tag = name.rpartition(":")
    if not repository or "/" in tag:
        return name, "latest"
    return repository, tag


def _present(client: docker.DockerClient, name: str) -> bool:
    try:
        client.images.get(name)
    except docker.errors.ImageNotFound:
        return False
    return True


def _pull(client: docker.DockerClient, name: str) -> str | None:
    repository, tag = _split(name)
    try:
        client.images.pull(repository, tag=tag)
    except ENGINE_ERRORS as error:
        return str(error).splitlines()[0][:200]
    return None


def can_debootstrap() -> bool:
    return (
        os.geteuid() == 0
        and Path("/etc/debian_version").exists()
        and shutil.which("debootstrap") is not None
    )


def debootstrap_image(client: docker.DockerClient, name: str, suite: str = "bookworm") -> None:
    """Build ``name`` from a minimal Debian root with Python, pytest and pytest-timeout."""
    repository, tag = _split(name)
    with tempfile.TemporaryDirectory(prefix="takehome-rootfs-") as scratch:
        root = Path(scratch) / "root"
        result = subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(DEBOOTSTRAP_PACKAGES)}",
                suite,
                str(root),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-1:]
            raise ImageError(f"debootstrap of {suite} failed: {' '.join(tail)}")
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        assert tar.stdout is not None
        try:
            client.api.import_image_from_stream(
                tar.stdout, repository=repository, tag=tag, changes=["ENV LANG=C.UTF-8"]
            )
        finally:
            tar.stdout.close()
            tar.wait()
    if not _present(client, name):
        raise ImageError(f"importing the debootstrapped root as {name} failed")


def ensure_base_image(client: docker.DockerClient, name: str) -> str:
    """The id of image ``name``: present locally, else pulled, else built with debootstrap."""
    if not _present(client, name):
        pull_error = _pull(client, name)
        if pull_error is not None:
            if not can_debootstrap():
                raise ImageError(
                    f"base image {name} is not present and cannot be pulled ({pull_error}); "
                    "pull or build an image with python3, pytest and pytest-timeout and set "
                    "TAKEHOME_BASE_IMAGE to it, or run `takehome images build` as root on Debian "
                    "with debootstrap installed"
                )
            debootstrap_image(client, name)
    return str(client.images.get(name).id)
