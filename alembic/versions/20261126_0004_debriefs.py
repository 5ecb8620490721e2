"""debriefs: volunteers, requests and offers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "volunteers",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("days", sa.String(16), nullable=False),
        sa.Column("start", sa.String(5), nullable=True),
        sa.Column("end", sa.String(5), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("away", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("away_until", sa.Date(), nullable=True),
        sa.Column("last_offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "person", name="pk_volunteers"),
    )
    op.create_table(
        "debrief_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("urgency", sa.String(8), nullable=False),
        sa.Column("preference", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_conversation", sa.String(64), nullable=True),
        sa.Column("status_message", sa.String(64), nullable=True),
        sa.Column("peer", sa.String(64), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wait_seconds", sa.Integer(), nullable=True),
        sa.Column("followup_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_debrief_requests"),
    )
    op.create_index("ix_debrief_requests_followup_due_at", "debrief_requests", ["followup_due_at"])
    op.create_index(
        "ix_debrief_requests_workspace_status", "debrief_requests", ["workspace", "status"]
    )
    op.create_table(
        "debrief_offers",
        sa.Column(
            "request_id",
            sa.String(36),
            sa.ForeignKey("debrief_requests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("peer", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "peer", name="pk_debrief_offers"),
    )
    op.create_index("ix_debrief_offers_expires_at", "debrief_offers", ["expires_at"])


def downgrade() -> None:
    op.drop_table("debrief_offers")
    op.drop_table("debrief_requests")
    op.drop_table("volunteers")
