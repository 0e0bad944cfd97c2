"""Installation settings, read from TAKEHOME_* environment variables (and nowhere else).

Only this package reads the environment; the layers below receive these values as arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from challenges.base_error import TakehomeError


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
    database_url: str = Field(
        default="sqlite:///takehome.db",
        description="The store: sqlite:///FILE (one machine) or postgresql://USER@HOST/DB.",
    )
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="The queue of `takehome worker` and `batch --queue` (Redis or RabbitMQ).",
    )
    lease: float = Field(
        default=3600.0,
        gt=0,
        description="Seconds a queued job may run before it is taken for lost and graded again.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Shared secret of the GitHub push webhook (16+ characters)."
    )
    portal_secret: SecretStr | None = Field(
        default=None, description="Key signing candidate invitation links (16+ characters)."
    )
    roster: Path | None = Field(
        default=None, description="Roster (CSV or YAML) whose repositories are graded on push."
    )
    roster_challenge: str | None = Field(
        default=None, description="Challenge (slug or directory) of the roster's repositories."
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Base URL of invitation links."
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
