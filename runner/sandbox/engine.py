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


MESSAGE_CAP = 300


def engine_message(error: BaseException) -> str:
    """What the engine said, on one line: its own explanation of an API error ("500: no
    space left on device"), not the SDK's text with the socket URL it called; capped."""
    if isinstance(error, docker.errors.APIError):
        said = error.explanation
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said or "")
        status = error.status_code
        text = f"{status}: {text}" if status and text else text or f"HTTP {status}"
    else:
        text = str(error) or error.__class__.__name__
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CAP else text[:MESSAGE_CAP] + "..."


def connect(timeout: float = 60.0) -> docker.DockerClient:
    """A client for the engine of DOCKER_HOST (or the local socket), API version negotiated.

    Debian's engine speaks API 1.41; pinning a newer version would break on it, so the SDK
    is left to negotiate. The negotiation is a request the engine answers: no ping after it.
    """
    try:
        client = docker.from_env(version="auto", timeout=int(timeout))
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"no Docker engine answers ({error.__class__.__name__}): start dockerd, or run "
            "scripts/setup.sh which installs and starts it"
        ) from None
    return client


def engine_version(client: docker.DockerClient) -> str:
    version = client.version()
    return f"{version.get('Version', '?')} (API {version.get('ApiVersion', '?')})"
