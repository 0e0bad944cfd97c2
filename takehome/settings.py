"""Installation settings, read from TAKEHOME_* environment variables (and nowhere else).

Only this package reads the environment; the layers below receive these values as arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from challenges.errors import TakehomeError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAKEHOME_", extra="ignore")

    base_image: str = Field(
        default="takehome-base:bookworm",
        description="Image with python3, pytest and pytest-timeout that run images start from.",
    )
    trusted_git_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="host or host:port of git servers staff trust (comma-separated).",
    )
    work_dir: Path | None = Field(default=None, description="Scratch space for exported trees.")
    docker_timeout: float = Field(default=60.0, description="Seconds for one engine API call.")
    fetch_timeout: float = Field(default=120.0, description="Seconds for fetching a repository.")
    blind: bool = Field(
        default=False, description="Blind review: the candidate's identity removed from reports."
    )

    @field_validator("trusted_git_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


def load_settings() -> Settings:
    """Settings from the environment; a bad value is the user's to fix, named in one line."""
    try:
        return Settings()
    except ValidationError as error:
        detail = error.errors()[0]
        name = "TAKEHOME_" + str(detail["loc"][0]).upper() if detail["loc"] else "TAKEHOME_*"
        raise TakehomeError(f"{name}: {detail['msg']}") from None
