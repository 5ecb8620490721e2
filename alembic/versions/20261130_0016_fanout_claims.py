"""fan-out claims: when a run was claimed and its check-in; send turns shared by replicas

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedule_runs") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("checkin_id", sa.String(36), nullable=True))
    op.create_table(
        "send_turns",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("next_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_send_turns"),
    )


def downgrade() -> None:
    op.drop_table("send_turns")
    with op.batch_alter_table("schedule_runs") as batch:
        batch.drop_column("checkin_id")
        batch.drop_column("claimed_at")
