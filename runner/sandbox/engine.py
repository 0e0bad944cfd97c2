"""The connection to the Docker engine; the only place a client is made."""

from __future__ import annotations

import docker
import docker.errors
import requests.exceptions

from runner.errors import InfraError

Engine = docker.DockerClient
"""The engine handle upper layers pass around without importing the SDK themselves."""

ENGINE_ERRORS = (
    docker.errors.DockerException,
    requests.exceptions.ConnectionError,
    requests.exceptions.ReadTimeout,
)
"""What a call to the engine raises when the engine, not the submission, is at fault."""


def connect(timeout: float = 60.0) -> docker.DockerClient:
    """A client for the engine of DOCKER_HOST (or the local socket), API version negotiated.

    Debian's engine speaks API 1.41; pinning a newer version would break on it, so the SDK
    is left to negotiate.
    """
    try:
        client = docker.from_env(version="auto", timeout=int(timeout))
        client.ping()
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"no Docker engine answers ({error.__class__.__name__}): start dockerd, or run "
            "scripts/setup.sh which installs and starts it"
        ) from None
    return client


def engine_version(client: docker.DockerClient) -> str:
    version = client.version()
    return f"{version.get('Version', '?')} (API {version.get('ApiVersion', '?')})"
