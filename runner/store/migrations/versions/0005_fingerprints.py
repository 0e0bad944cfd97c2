"""The similarity index that outlives a run: each indexed submission's fingerprint set, and the
inverted index (fingerprint → submission) looked up by hash.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "fingerprint_sets",
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), primary_key=True),
        sa.Column("challenge_id", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_fingerprint_sets_challenge_id", "fingerprint_sets", ["challenge_id"])
    op.create_table(
        "fingerprints",
        sa.Column("hash", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("submission_id", sa.Integer(), primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("fingerprints")
    op.drop_index("ix_fingerprint_sets_challenge_id", table_name="fingerprint_sets")
    op.drop_table("fingerprint_sets")
