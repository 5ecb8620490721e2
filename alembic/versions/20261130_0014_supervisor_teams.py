"""supervisor teams: the teams an admin lets each supervisor see (SUPERVISOR_ASSIGNMENTS)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervisor_teams",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("supervisor", sa.String(64), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace", "supervisor", "conversation", name="pk_supervisor_teams"
        ),
    )


def downgrade() -> None:
    op.drop_table("supervisor_teams")
