"""admin actions: the admin audit trail, and when each deck of wording was last drawn from

admin_actions holds what admins and coordinators did: who acted, what kind of action, on
which team or person, when (never what they typed; an erasure names no one). rotations gets
used_on, the day the audience last drew from the deck, so the daily sweep can delete decks
no longer used; rows already there count as used today.

Both only add: the previous release runs on this schema (it neither reads nor writes them).
On PostgreSQL every new column gets a statistics target of 0, as migration 0020 gave the
others: ANALYZE samples no actor's or person's id into pg_statistic.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADMIN_COLUMNS = ("id", "workspace", "actor", "kind", "team", "person", "acted_at")


def upgrade() -> None:
    op.create_table(
        "admin_actions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("team", sa.String(64), nullable=True),
        sa.Column("person", sa.String(64), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_admin_actions"),
    )
    op.create_index("ix_admin_actions_acted_at", "admin_actions", ["acted_at"])
    op.create_index(
        "ix_admin_actions_workspace_acted_at", "admin_actions", ["workspace", "acted_at"]
    )
    op.add_column("rotations", sa.Column("used_on", sa.Date(), nullable=True))
    op.execute("UPDATE rotations SET used_on = CURRENT_DATE")
    if op.get_bind().dialect.name == "postgresql":
        steps = ", ".join(f'ALTER COLUMN "{c}" SET STATISTICS 0' for c in ADMIN_COLUMNS)
        op.execute(f"ALTER TABLE admin_actions {steps}")
        op.execute('ALTER TABLE rotations ALTER COLUMN "used_on" SET STATISTICS 0')


def downgrade() -> None:
    with op.batch_alter_table("rotations") as batch:
        batch.drop_column("used_on")
    op.drop_index("ix_admin_actions_workspace_acted_at", table_name="admin_actions")
    op.drop_index("ix_admin_actions_acted_at", table_name="admin_actions")
    op.drop_table("admin_actions")
