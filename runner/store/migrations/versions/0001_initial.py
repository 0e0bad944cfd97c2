"""The initial schema: invitations, submissions, runs, scorecards, reviews, decisions,
deliveries and the audit log.

Written by hand with plain SQLAlchemy types (not the application's ``UtcDateTime``), so that
this migration keeps working whatever later code does to the models.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _moment(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("challenge_id", sa.String(200), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        _moment("created_at"),
        _moment("opened_at", nullable=True),
        _moment("deadline", nullable=True),
        _moment("used_at", nullable=True),
        sa.Column("token_nonce", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_invitations"),
        sa.UniqueConstraint("token_nonce", name="uq_invitations_token_nonce"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("challenge_id", sa.String(200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(400), nullable=True),
        _moment("created_at"),
        _moment("push_time", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
    )
    op.create_index(
        "uq_submissions_identity",
        "submissions",
        ["challenge_id", "alias", "source", sa.text("coalesce(ref, '')")],
        unique=True,
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("head", sa.String(200), nullable=True),
        sa.Column("commit", sa.String(200), nullable=True),
        sa.Column("suite_hash", sa.String(128), nullable=False),
        sa.Column("image_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _moment("started_at"),
        _moment("finished_at", nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_runs_status"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_runs_submission_id_submissions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
        sa.UniqueConstraint("idempotency_key", name="uq_runs_idempotency_key"),
    )
    op.create_index("ix_runs_submission_id", "runs", ["submission_id"])
    op.create_table(
        "scorecards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("auto_score", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        _moment("created_at"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_scorecards_run_id_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_scorecards"),
        sa.UniqueConstraint("run_id", name="uq_scorecards_run_id"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        _moment("submitted_at"),
        sa.ForeignKeyConstraint(
            ["scorecard_id"], ["scorecards.id"], name="fk_reviews_scorecard_id_scorecards"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("scorecard_id", "reviewer", name="uq_reviews_scorecard_id_reviewer"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), nullable=False),
        sa.Column("recommendation", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        _moment("decided_at"),
        sa.ForeignKeyConstraint(
            ["scorecard_id"], ["scorecards.id"], name="fk_decisions_scorecard_id_scorecards"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.UniqueConstraint("scorecard_id", name="uq_decisions_scorecard_id"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(200), nullable=False),
        _moment("received_at"),
        sa.Column("event", sa.String(100), nullable=False),
        sa.Column("repository", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _moment("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )


def downgrade() -> None:
    for table in ("audit_log", "deliveries", "decisions", "reviews", "scorecards"):
        op.drop_table(table)
    op.drop_index("ix_runs_submission_id", table_name="runs")
    op.drop_table("runs")
    op.drop_index("uq_submissions_identity", table_name="submissions")
    op.drop_table("submissions")
    op.drop_table("invitations")
