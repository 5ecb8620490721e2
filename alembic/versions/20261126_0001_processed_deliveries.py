"""processed deliveries: remember event ids so retried deliveries take effect once

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_deliveries",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("delivery_id", sa.String(128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "delivery_id", name="pk_processed_deliveries"),
    )
    with op.batch_alter_table("processed_deliveries") as batch:
        batch.create_index("ix_processed_deliveries_received_at", ["received_at"])


def downgrade() -> None:
    op.drop_table("processed_deliveries")
