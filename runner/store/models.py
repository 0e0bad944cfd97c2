"""The persistent store's schema: SQLAlchemy typed ORM classes (``runner.store.database``
opens a database and brings it up to them).

Kept apart from ``runner.store.runs``, which holds what the store does, so that the Alembic
environment can import the metadata (for ``alembic revision --autogenerate``) and each module
stays small. The schema itself is created by the migrations in ``runner/store/migrations``, never by
``create_all``: a table added here needs a new migration, and a test compares the two.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from challenges.base_error import TakehomeError
from runner.store.columns import Base, UtcDateTime

READ_ONLY = "takehome_read_only"
"""Execution option of the store's read-only sessions (a plain BEGIN on SQLite)."""


class StoreError(TakehomeError):
    """The database cannot be reached or opened, or a request contradicts what is stored."""


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class InvitationRow(Base):
    """An invitation a candidate opens to start the clock; the token's nonce is spent once."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(String(200))
    alias: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    token_nonce: Mapped[str] = mapped_column(String(128), unique=True)
    scorecards_before: Mapped[int | None] = mapped_column(Integer)
    """The highest scorecard id when the invitation was used: its submission's grade is a
    later one (ids grow with insertion, where grading times tie within a second)."""


class SubmissionRow(Base):
    """One candidate's repository (and ref) for one challenge; graded by many runs over time."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    challenge_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    ref: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    push_time: Mapped[datetime | None] = mapped_column(UtcDateTime)


# NULLs are distinct in a unique constraint on both databases: coalesce makes "no ref" one value,
# so the same repository without a ref is one submission. Also serves lookups by challenge.
Index(
    "uq_submissions_identity",
    SubmissionRow.challenge_id,
    SubmissionRow.alias,
    SubmissionRow.source,
    func.coalesce(SubmissionRow.ref, ""),
    unique=True,
)


class RunRow(Base):
    """One grading of a submission, unique by its idempotency key: what makes it exactly-once."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    head: Mapped[str | None] = mapped_column(String(200))
    commit: Mapped[str | None] = mapped_column(String(200))
    """The commit graded; known only when the run finishes (the time window chooses it)."""
    suite_hash: Mapped[str] = mapped_column(String(128))
    image_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the last attempt failed (``fail_run``); cleared when the run is attempted again."""


class ScorecardRow(Base):
    """The scorecard a run produced, whole (JSON), with the columns that listings sort on."""

    __tablename__ = "scorecards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), unique=True)
    data: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    auto_score: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    tests_passed: Mapped[int | None] = mapped_column(Integer)
    tests_total: Mapped[int | None] = mapped_column(Integer)
    auto_max_score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    card_id: Mapped[str | None] = mapped_column(String(200), index=True)
    """The scorecard's own submission id (a blind id for a blind card): how a static report
    links to the review app without knowing the store's ids."""
    flags: Mapped[int | None] = mapped_column(Integer)
    """Flags a reviewer should look at (intake, static, tamper), not routine history notes."""


class ReviewRow(Base):
    """One reviewer's independent ratings of one scorecard: at most one per reviewer."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("scorecard_id", "reviewer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    reviewer: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seconds: Mapped[float | None] = mapped_column(Float)
    """Time to review: opened to submitted, idle stretches left out (the review app's)."""


class DecisionRow(Base):
    """The hiring recommendation that finalized a scorecard: one per scorecard."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"), unique=True)
    recommendation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DeliveryRow(Base):
    """A webhook delivery already handled: a replayed delivery id is refused."""

    __tablename__ = "deliveries"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event: Mapped[str] = mapped_column(String(100))
    repository: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """Who did what to which subject, and when: appended, never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class SourceRow(Base):
    """The graded tree's text files (``reports.source.SourceSnapshot``) of a scorecard, for
    the review app's code view; kept apart so that listings never load them."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"), unique=True)
    data: Mapped[str] = mapped_column(Text)


class Role(StrEnum):
    REVIEWER = "reviewer"
    MANAGER = "manager"


class ReviewerRow(Base):
    """A person who reviews in the web app; a manager also decides and reopens."""

    __tablename__ = "reviewers"
    __table_args__ = (CheckConstraint("role IN ('reviewer', 'manager')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginLinkRow(Base):
    """A one-time login link; only the token's SHA-256 is kept."""

    __tablename__ = "login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A signed-in browser: the cookie's SHA-256, the CSRF token its forms carry."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AssignmentRow(Base):
    """A submission given to a reviewer to rate (k reviewers per submission)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DraftRow(Base):
    """A review in the making, saved at every change: the ratings typed so far, the scorecard
    they rate, a version that two tabs compare, and the time spent on it."""

    __tablename__ = "review_drafts"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id"))
    data: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active_seconds: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FingerprintSetRow(Base):
    """A submission in the similarity index: its key and fingerprints (``store.fingerprints``)."""

    __tablename__ = "fingerprint_sets"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    challenge_id: Mapped[str] = mapped_column(String(200), index=True)
    key: Mapped[str] = mapped_column(String(200))
    hashes: Mapped[bytes] = mapped_column()


class FingerprintRow(Base):
    """Fingerprint (salted by challenge) → submission; the key is the index (SQLite: the table)."""

    __tablename__ = "fingerprints"
    __table_args__ = {"sqlite_with_rowid": False}

    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    submission_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


METADATA = Base.metadata
"""Every table of the store, once this module has defined them (what Alembic compares)."""
TABLES: frozenset[str] = frozenset(METADATA.tables)
"""The store's tables by name (Alembic's own ``alembic_version`` is not one of them)."""
