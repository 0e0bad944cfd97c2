"""The review app: reviewers and their login links and sessions, assignments, drafts saved
at every change, the graded source for the code view, and the columns the queue and the
cohort page list (a scorecard's own id and flag count, a review's time spent).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

LATE_MARK = "after the window ended"
"""A frozen copy of ``reports.flag_levels``' rule: a migration does not import the app."""


def _moment() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("scorecards") as batch:
        batch.add_column(sa.Column("card_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("flags", sa.Integer(), nullable=True))
        batch.create_index("ix_scorecards_card_id", ["card_id"])
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("seconds", sa.Float(), nullable=True))
    _fill_card_columns()
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scorecard_id", sa.Integer(), sa.ForeignKey("scorecards.id"), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.UniqueConstraint("scorecard_id", name="uq_sources_scorecard_id"),
    )
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.UniqueConstraint("name", name="uq_reviewers_name"),
        sa.CheckConstraint("role IN ('reviewer', 'manager')", name="ck_reviewers_role"),
    )
    op.create_table(
        "login_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("reviewers.id"), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("expires_at", _moment(), nullable=False),
        sa.Column("used_at", _moment(), nullable=True),
    )
    op.create_index("ix_login_links_reviewer_id", "login_links", ["reviewer_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("reviewers.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("expires_at", _moment(), nullable=False),
    )
    op.create_index("ix_web_sessions_reviewer_id", "web_sessions", ["reviewer_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("reviewers.id"), nullable=False),
        sa.Column("assigned_at", _moment(), nullable=False),
        sa.UniqueConstraint(
            "submission_id", "reviewer_id", name="uq_assignments_submission_id_reviewer_id"
        ),
    )
    op.create_index("ix_assignments_submission_id", "assignments", ["submission_id"])
    op.create_index("ix_assignments_reviewer_id", "assignments", ["reviewer_id"])
    op.create_table(
        "review_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("reviewers.id"), nullable=False),
        sa.Column("scorecard_id", sa.Integer(), sa.ForeignKey("scorecards.id"), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", _moment(), nullable=False),
        sa.Column("seen_at", _moment(), nullable=False),
        sa.Column("active_seconds", sa.Float(), nullable=False),
        sa.Column("submitted_at", _moment(), nullable=True),
        sa.UniqueConstraint(
            "submission_id", "reviewer_id", name="uq_review_drafts_submission_id_reviewer_id"
        ),
    )
    op.create_index("ix_review_drafts_reviewer_id", "review_drafts", ["reviewer_id"])


def _fill_card_columns() -> None:
    """Scorecards stored before this revision get their id and flag count from their JSON."""
    scorecards = sa.table("scorecards", sa.column("id", sa.Integer()),
                          sa.column("data", sa.Text()), sa.column("card_id", sa.String()),
                          sa.column("flags", sa.Integer()))  # fmt: skip
    connection = op.get_bind()
    for row_id, data in connection.execute(sa.select(scorecards.c.id, scorecards.c.data)).all():
        try:
            card = json.loads(data)
            card_id = str(card["submission"]["id"])
            flags = sum(1 for flag in card.get("flags", []) if _alarm(flag))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        connection.execute(sa.update(scorecards).where(scorecards.c.id == row_id)
                           .values(card_id=card_id, flags=flags))  # fmt: skip


def _alarm(flag: dict[str, str]) -> bool:
    kind = flag.get("kind")
    if kind == "infra":
        return False
    return LATE_MARK in flag.get("message", "") if kind == "history" else True


def downgrade() -> None:
    for table in ("review_drafts", "assignments", "web_sessions", "login_links", "reviewers",
                  "sources"):  # fmt: skip
        op.drop_table(table)
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("seconds")
    with op.batch_alter_table("scorecards") as batch:
        batch.drop_index("ix_scorecards_card_id")
        batch.drop_column("flags")
        batch.drop_column("card_id")
