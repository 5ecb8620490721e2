"""schedules, their runs (exactly-once claims), wording rotation, posted check-ins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.String(80), nullable=True),
        sa.Column("days", sa.String(16), nullable=False),
        sa.Column("at", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("skip_dates", sa.Text(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_schedules"),
    )
    op.create_index(
        "ix_schedules_workspace_conversation", "schedules", ["workspace", "conversation"]
    )
    op.create_index("ix_schedules_workspace_owner", "schedules", ["workspace", "owner"])
    op.create_table(
        "schedule_runs",
        sa.Column("schedule_id", sa.String(36), nullable=False),
        sa.Column("fire_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name="fk_schedule_runs_schedule_id_schedules",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "fire_at", name="pk_schedule_runs"),
    )
    op.create_table(
        "rotations",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("audience", sa.String(64), nullable=False),
        sa.Column("deck", sa.String(32), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "audience", "deck", name="pk_rotations"),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
    )
    op.create_index("ix_checkins_workspace_conversation", "checkins", ["workspace", "conversation"])


def downgrade() -> None:
    op.drop_index("ix_checkins_workspace_conversation", table_name="checkins")
    op.drop_table("checkins")
    op.drop_table("rotations")
    op.drop_table("schedule_runs")
    op.drop_index("ix_schedules_workspace_owner", table_name="schedules")
    op.drop_index("ix_schedules_workspace_conversation", table_name="schedules")
    op.drop_table("schedules")
