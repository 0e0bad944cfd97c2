"""What a reviewer reads when the engine fails: the engine's own words on one line, not the
SDK's text with the socket URL it called."""

from __future__ import annotations

import docker.errors
import pytest
import requests

from runner.errors import InfraError
from runner.sandbox.engine import MESSAGE_CAP, connect, engine_message


def _api_error(status: int, explanation: str | bytes) -> docker.errors.APIError:
    response = requests.Response()
    response.status_code = status
    response.url = "http+docker://localhost/v1.41/containers/create"
    return docker.errors.APIError("500 Server Error for http+docker://localhost/...",
                                  response, explanation)  # fmt: skip


def test_an_api_error_is_its_status_and_the_engines_explanation() -> None:
    error = _api_error(500, b"mkdir /var/lib/docker/x: no space left\non device")
    assert engine_message(error) == "500: mkdir /var/lib/docker/x: no space left on device"
    assert "http+docker" not in engine_message(error)


def test_a_long_or_empty_message_stays_one_short_line() -> None:
    assert engine_message(_api_error(400, "x " * 5_000)).endswith("...")
    assert len(engine_message(_api_error(400, "x " * 5_000))) <= MESSAGE_CAP + 3
    assert engine_message(_api_error(503, "")) == "HTTP 503"
    assert engine_message(requests.exceptions.ReadTimeout()) == "ReadTimeout"


def test_no_engine_at_the_socket_is_one_infra_error_saying_what_to_start(tmp_path, monkeypatch):
    """The API version negotiation is the first request: no engine there fails it, not a
    later ping."""
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'no-engine.sock'}")
    with pytest.raises(InfraError, match=r"^no Docker engine answers \(DockerException\): start"):
        connect(timeout=5)
