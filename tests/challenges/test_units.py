"""Durations and sizes as challenge authors write them in challenge.toml."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from challenges.model import Limits
from challenges.units import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("4h", 4 * 3600.0),
        ("30s", 30.0),
        ("1.5m", 90.0),
        ("250ms", 0.25),
        ("2d", 2 * 86400.0),
        (" 4H ", 4 * 3600.0),
    ],
)
def test_durations_parse_to_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "size"),
    [("256m", 256 * 1024**2), ("64k", 64 * 1024), ("2g", 2 * 1024**3), ("512M", 512 * 1024**2)],
)
def test_sizes_parse_to_binary_bytes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["4 hours", "12", "4hours", "-5s", "1,5m", "", "s"])
def test_bad_durations_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration") as caught:
        parse_duration(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "ms, s, m, h or d" in message
    assert '"4h"' in message


@pytest.mark.parametrize("text", ["0s", "0h", "0.0m"])
def test_zero_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="must be longer than zero"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["256 MB", "256mb", "1.5g", "256", "256b"])
def test_bad_sizes_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size") as caught:
        parse_size(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "k, m or g" in message
    assert '"256m"' in message


def test_zero_size_is_refused() -> None:
    with pytest.raises(ValueError, match="larger than zero"):
        parse_size("0m")


def _limits(**changes: object) -> dict[str, object]:
    limits: dict[str, object] = {
        "wall_timeout": "30s",
        "test_timeout": "2s",
        "memory": "256m",
        "cpus": 1.0,
        "pids": 64,
    }
    limits.update(changes)
    return limits


def test_limits_keep_the_text_as_written_and_expose_numbers() -> None:
    limits = Limits.model_validate(_limits(wall_timeout="1.5m", memory="1g"))
    assert limits.wall_timeout == "1.5m"
    assert limits.wall_seconds == 90.0
    assert limits.test_seconds == 2.0
    assert limits.memory_bytes == 1024**3
    assert limits.tmpfs_bytes == 64 * 1024**2


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("wall_timeout", "4 hours", "is not a duration"),
        ("test_timeout", "0s", "must be longer than zero"),
        ("memory", "256 MB", "is not a size"),
        ("wall_timeout", 30, "valid string"),
    ],
)
def test_limits_reject_bad_quantities_on_the_field(
    field: str, value: object, expected: str
) -> None:
    with pytest.raises(ValidationError, match=field) as caught:
        Limits.model_validate(_limits(**{field: value}))
    errors = caught.value.errors()
    assert [error["loc"] for error in errors] == [(field,)]
    assert expected in errors[0]["msg"]
