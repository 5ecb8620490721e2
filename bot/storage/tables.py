"""Table definitions; every table carries the workspace it belongs to."""

from sqlalchemy import Column, DateTime, MetaData, String, Table

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
