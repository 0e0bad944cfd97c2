"""Installation settings, read from TAKEHOME_* environment variables (and nowhere else).

Only this package reads the environment (``takehome.environment``, the one reader); the layers
below receive these values as arguments. Every value is a string the model validates, so a
few lines read them: pydantic-settings did the same and cost every command 20 ms of imports
(asyncio, dotenv) before it could start.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from challenges.base_error import TakehomeError
from challenges.files import is_directory
from takehome.environment import takehome_variables

MAX_TIMEOUT = 86400.0
"""A day: longer is a typo (and beyond what a socket timeout can hold, ``inf`` is one)."""
MAX_LEASE = 7 * 86400.0
"""A week: no grading runs that long; the lease becomes a timedelta and a broker setting."""

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_IMAGE = re.compile(
    rf"^(?:(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?/)?"
    rf"{_COMPONENT}(?:/{_COMPONENT})*(?::[\w][\w.-]{{0,127}})?(?:@sha256:[0-9a-f]{{64}})?$"
)
"""A Docker image reference (``[registry[:port]/]name[:tag][@digest]``), as the engine's
reference grammar has it: path components in lowercase, a tag of at most 128 characters."""


class Settings(BaseModel):
    """Each field is the variable ``TAKEHOME_<FIELD>`` (any case), e.g. TAKEHOME_WORK_DIR."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_image: str = Field(
        default="takehome-base:bookworm",
        description="Image with python3, pytest and pytest-timeout that run images start from.",
    )
    trusted_git_hosts: list[str] = Field(
        default_factory=list,
        description="host or host:port of git servers staff trust (comma-separated).",
    )
    work_dir: Path | None = Field(default=None, description="Scratch space for exported trees.")
    docker_timeout: float = Field(
        default=60.0, gt=0, le=MAX_TIMEOUT, allow_inf_nan=False,
        description="Seconds for one engine API call.",
    )  # fmt: skip
    fetch_timeout: float = Field(
        default=120.0, gt=0, le=MAX_TIMEOUT, allow_inf_nan=False,
        description="Seconds for fetching a repository.",
    )  # fmt: skip
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
        le=MAX_LEASE,
        allow_inf_nan=False,
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
        default="http://127.0.0.1:8000",
        description="Base URL of invitation, login and review links.",
    )
    review_url: str | None = Field(
        default=None,
        description="Base URL of the review app (takehome serve) that static reports link "
        "to; unset: reports show the human rows read-only with no link.",
    )
    reviewers_per_submission: int = Field(
        default=2, ge=1, le=10, description="Reviewers each submission is assigned to (k)."
    )
    review_blind: bool = Field(
        default=True,
        description="The review app hides the candidate's identity on every page (names, "
        "handles, emails, URLs, file paths), whatever the scorecard was graded with.",
    )

    @field_validator("base_image")
    @classmethod
    def _image_reference(cls, value: str) -> str:
        """Checked here, by name, rather than by the engine in the middle of a grade."""
        if len(value) > 255 or not _IMAGE.match(value):
            raise ValueError(
                f"{value[:80]!r} is not an image reference: NAME[:TAG] in lowercase, e.g. "
                "python:3.12-slim or registry.example.com/team/base:1"
            )
        return value

    @field_validator("work_dir")
    @classmethod
    def _a_directory(cls, value: Path | None) -> Path | None:
        """Scratch space is a directory that exists: a file there would fail every grade."""
        if value is not None and not is_directory(value):
            raise ValueError(f"{str(value)[:200]}: not an existing directory")
        return value

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

    @property
    def records_for_review(self) -> bool:
        """Whether commands that write report folders also put their grades in the store for
        the review app: when a store or a review app was configured, or the default store
        exists already. A one-shot grade on a fresh CI machine makes no database."""
        if self.database_url is not None or self.review_url is not None:
            return True
        return (data_dir() / "takehome.db").exists()

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
        given = takehome_variables()
        return Settings.model_validate(
            {k: v for k, v in given.items() if k in Settings.model_fields}
        )
    except ValidationError as error:
        detail = error.errors()[0]
        name = "TAKEHOME_" + str(detail["loc"][0]).upper() if detail["loc"] else "TAKEHOME_*"
        message = str(detail["msg"]).removeprefix("Value error, ")
        raise TakehomeError(f"{name}: {message}") from None
