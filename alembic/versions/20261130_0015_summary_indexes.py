"""summary indexes: a team's check-ins in time order

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30

Summaries read the last weeks of each of a supervisor's teams out of years of check-ins,
and list a workspace's teams one index seek per team. The new index begins with the old
one's columns, so it replaces it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_checkins_workspace_conversation_posted_at",
        "checkins",
        ["workspace", "conversation", "posted_at"],
    )
    op.drop_index("ix_checkins_workspace_conversation", table_name="checkins")


def downgrade() -> None:
    op.create_index("ix_checkins_workspace_conversation", "checkins", ["workspace", "conversation"])
    op.drop_index("ix_checkins_workspace_conversation_posted_at", table_name="checkins")
