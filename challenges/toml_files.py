"""Parsing one TOML file of the challenge format into its strict model.

Every problem names the file and the field as a reader would write it, and a file the parser
cannot take (not UTF-8, nested a thousand deep, an integer of thousands of digits) is an
error about that file, never a crash.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from challenges.errors import ChallengeError
from challenges.files import CONFIG_CAP, read_text

_Model = TypeVar("_Model", bound=BaseModel)


def _location(loc: tuple[int | str, ...], data: object) -> str:
    """A field path readers recognise: list items by their ``id`` when they have one, and
    without pydantic's union tags (``criteria.organisation``, not ``criteria.7.human``)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            named = node.get("id") if isinstance(node, dict) else None
            parts.append(str(named) if isinstance(named, str) and named else str(part))
        elif isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(str(part))
        elif isinstance(node, dict) and part in {"auto", "human"}:
            continue  # the discriminator's tag, not a field
        else:
            node = None
            parts.append(str(part))
    return ".".join(parts) or "(top level)"


def validation_problems(source: str, error: ValidationError, data: object = None) -> list[str]:
    """``file: field.path: message``, one per problem pydantic found."""
    return [
        f"{source}: {_location(detail['loc'], data)}: "
        + str(detail["msg"]).removeprefix("Value error, ")
        for detail in error.errors()
    ]


def format_validation_error(source: str, error: ValidationError, data: object = None) -> str:
    """``file: field.path: message`` for the first few problems, on one line."""
    problems = [
        problem.removeprefix(f"{source}: ")
        for problem in validation_problems(source, error, data)[:3]
    ]
    more = error.error_count() - len(problems)
    suffix = f" (and {more} more)" if more > 0 else ""
    return f"{source}: " + "; ".join(problems) + suffix


def parse_toml(path: Path) -> dict[str, object]:
    """The TOML document in ``path``; any problem is a ChallengeError naming the file."""
    text = read_text(path, ChallengeError, CONFIG_CAP)
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer beyond int()'s digit limit
        raise ChallengeError(f"{path}: invalid TOML: {error}") from None
    except (RecursionError, MemoryError):
        raise ChallengeError(f"{path}: invalid TOML: nested too deeply") from None


def load_toml_model(path: Path, model: type[_Model]) -> _Model:
    """Parse one TOML file into ``model``; errors name the file, the field and the problem
    (every problem of the file, not only the first)."""
    data = parse_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ChallengeError.listing(validation_problems(str(path), error, data)) from None
    except RecursionError:
        raise ChallengeError(f"{path}: nested too deeply") from None
