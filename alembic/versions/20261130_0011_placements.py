"""placements: students' field placements and the weekly prompts already sent

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "placements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("student", sa.String(64), nullable=False),
        sa.Column("instructor", sa.String(64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name="pk_placements"),
    )
    op.create_index("ix_placements_ends_on", "placements", ["ends_on"])
    op.create_index(
        "ix_placements_workspace_student", "placements", ["workspace", "student"], unique=True
    )
    op.create_index("ix_placements_workspace_instructor", "placements", ["workspace", "instructor"])
    op.create_table(
        "placement_prompts",
        sa.Column(
            "placement_id",
            sa.String(36),
            sa.ForeignKey("placements.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("placement_id", "week", name="pk_placement_prompts"),
    )


def downgrade() -> None:
    op.drop_table("placement_prompts")
    op.drop_index("ix_placements_workspace_instructor", "placements")
    op.drop_index("ix_placements_workspace_student", "placements")
    op.drop_index("ix_placements_ends_on", "placements")
    op.drop_table("placements")
