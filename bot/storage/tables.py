"""Table definitions; every table carries the workspace it belongs to."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

processed_deliveries = Table(
    "processed_deliveries",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("delivery_id", String(128), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("conversation", String(64), nullable=True),
    Column("owner", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(80), nullable=True),
    Column("days", String(16), nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("skip_dates", Text, nullable=False, default=""),
    Column("paused", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_schedules_workspace_conversation", "workspace", "conversation"),
    Index("ix_schedules_workspace_owner", "workspace", "owner"),
)

# One row per (schedule, fire time): the primary key is the exactly-once claim.
schedule_runs = Table(
    "schedule_runs",
    metadata,
    Column(
        "schedule_id",
        String(36),
        ForeignKey("schedules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("fire_at", DateTime(timezone=True), primary_key=True),
    Column("status", String(16), nullable=False),
)

rotations = Table(
    "rotations",
    metadata,
    Column("workspace", String(64), primary_key=True),
    Column("audience", String(64), primary_key=True),
    Column("deck", String(32), primary_key=True),
    Column("cycle", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("last", Integer, nullable=True),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False),
    Column("conversation", String(64), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    Index("ix_checkins_workspace_conversation", "workspace", "conversation"),
)
