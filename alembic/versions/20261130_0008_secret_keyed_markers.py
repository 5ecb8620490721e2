"""secret-keyed markers: no participation key in the database, no supervisor lists

Participation markers are now keyed with the server's PULSE_SECRET, which is never
stored, so the per-check-in key column goes. Markers made with the old keys can't be
matched any more and are deleted: someone who answered a check-in that is open during
this upgrade could answer it once more. The supervisors noted at each close are no
longer used (every supervisor now needs one more answer) and their table goes too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM pulse_participants")
    op.drop_table("checkin_supervisors")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("participation_key")


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("participation_key", sa.LargeBinary(), nullable=True))
    foreign = sa.ForeignKey("checkins.id", ondelete="CASCADE", name=None)
    op.create_table(
        "checkin_supervisors",
        sa.Column("checkin_id", sa.String(36), foreign, nullable=False),
        sa.Column("supervisor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("checkin_id", "supervisor", name="pk_checkin_supervisors"),
    )
