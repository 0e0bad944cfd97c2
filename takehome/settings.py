"""Installation settings, read from TAKEHOME_* environment variables (and nowhere else).

Only this package reads the environment; the layers below receive these values as arguments.
"""

from __future__ import annotations

import os
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
    database_url: str | None = Field(
        default=None,
        description="The store: sqlite:////ABSOLUTE/FILE (one machine) or "
        "postgresql://USER@HOST/DB; default: takehome.db in the data directory "
        "($XDG_DATA_HOME/takehome, else ~/.local/share/takehome), whatever the current one.",
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

    @field_validator("database_url")
    @classmethod
    def _sqlite_path_absolute(cls, value: str | None) -> str | None:
        """A relative SQLite path would be a different store in every directory a command is
        run from (an invitation made in one, refused by a server started in another)."""
        if (
            value is not None
            and value.startswith("sqlite:///")
            and not value.startswith("sqlite:////")
        ):
            raise ValueError("a SQLite store needs an absolute path: sqlite:////ABSOLUTE/FILE")
        return value

    @property
    def store_url(self) -> str:
        """The store every command uses: the setting, else the one default file."""
        if self.database_url is not None:
            return self.database_url
        return f"sqlite:///{data_dir() / 'takehome.db'}"

    @field_validator("trusted_git_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


def data_dir() -> Path:
    """Where takehome keeps its state on this machine (made on first use)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    directory = Path(base) / "takehome"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TakehomeError(
            f"{directory}: cannot make the data directory ({error.strerror or error}); "
            "set XDG_DATA_HOME or TAKEHOME_DATABASE_URL"
        ) from None
    return directory


def load_settings() -> Settings:
    """Settings from the environment; a bad value is the user's to fix, named in one line."""
    try:
        return Settings()
    except ValidationError as error:
        detail = error.errors()[0]
        name = "TAKEHOME_" + str(detail["loc"][0]).upper() if detail["loc"] else "TAKEHOME_*"
        raise TakehomeError(f"{name}: {detail['msg']}") from None
