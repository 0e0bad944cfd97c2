"""Summary columns on scorecards (tests passed and total, the maxima), so that a cohort's
index is listed from columns without parsing thousands of scorecards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = (
    ("tests_passed", sa.Integer()),
    ("tests_total", sa.Integer()),
    ("auto_max_score", sa.Float()),
    ("max_score", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("scorecards") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    scorecards = sa.table("scorecards", sa.column("id", sa.Integer), sa.column("data", sa.Text),
                          *(sa.column(name, kind) for name, kind in COLUMNS))  # fmt: skip
    connection = op.get_bind()
    for row in connection.execute(sa.select(scorecards.c.id, scorecards.c.data)).all():
        card = json.loads(row.data)
        connection.execute(
            scorecards.update().where(scorecards.c.id == row.id).values(
                tests_passed=card["tests"]["passed"], tests_total=card["tests"]["total"],
                auto_max_score=card["auto_max_score"], max_score=card["max_score"],
            )
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("scorecards") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
