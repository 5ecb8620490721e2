"""pulses: check-in windows, answer counts, participation markers, audit log, digests

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _checkin_id() -> sa.Column[str]:
    foreign = sa.ForeignKey("checkins.id", ondelete="CASCADE", name=None)
    return sa.Column("checkin_id", sa.String(36), foreign, nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("message_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("participation_key", sa.LargeBinary(), nullable=True))
    # Check-ins posted before answers were counted close at once; they hold no answers.
    op.execute("UPDATE checkins SET closes_at = posted_at")
    with op.batch_alter_table("checkins") as batch:
        batch.alter_column("closes_at", nullable=False)
        batch.create_index("ix_checkins_closes_at", ["closes_at"])
    op.create_table(
        "pulse_counts",
        _checkin_id(),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("checkin_id", "level", name="pk_pulse_counts"),
    )
    op.create_table(
        "pulse_participants",
        _checkin_id(),
        sa.Column("marker", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("checkin_id", "marker", name="pk_pulse_participants"),
    )
    op.create_table(
        "checkin_supervisors",
        _checkin_id(),
        sa.Column("supervisor", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("checkin_id", "supervisor", name="pk_checkin_supervisors"),
    )
    op.create_table(
        "pulse_views",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("viewer", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pulse_views"),
    )
    op.create_index("ix_pulse_views_workspace_team", "pulse_views", ["workspace", "team"])
    op.create_table(
        "digest_runs",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("supervisor", sa.String(64), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "supervisor", "week", name="pk_digest_runs"),
    )


def downgrade() -> None:
    for name in (
        "digest_runs",
        "pulse_views",
        "checkin_supervisors",
        "pulse_participants",
        "pulse_counts",
    ):
        op.drop_table(name)
    with op.batch_alter_table("checkins") as batch:
        batch.drop_index("ix_checkins_closes_at")
        for column in ("participation_key", "message_id", "closed", "closes_at"):
            batch.drop_column(column)
