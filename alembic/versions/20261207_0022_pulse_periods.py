"""pulse periods: distinct people per team and week, counted with keyed period markers;
one audit line per viewer, team and kind of look a day

pulse_period_markers holds, while a team's month is open, one keyed marker per person and
week they answered in (never a plain id); pulse_team_weeks says whether a week's people were
counted from its first check-in and, once it settled, how many answered; pulse_month_rests
holds the distinct people of a settled month's hidden weeks together. On PostgreSQL no
column of the three is ever sampled by ANALYZE (statistics target 0, as 0020).

pulse_views gets the UTC day of each look and a unique key over viewer, team, kind and day
(older lines keep an empty day, so none of them conflicts).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "pulse_period_markers": ("marker", "week", "workspace", "team", "month", "key"),
    "pulse_team_weeks": ("workspace", "team", "week", "month", "ends_at", "counted", "people"),
    "pulse_month_rests": ("workspace", "team", "month", "weeks", "people"),
}


def upgrade() -> None:
    op.create_table(
        "pulse_period_markers",
        sa.Column("marker", sa.String(64), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("key", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("marker", "week", name="pk_pulse_period_markers"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_pulse_period_markers_workspace_team_month",
        "pulse_period_markers",
        ["workspace", "team", "month"],
    )
    op.create_table(
        "pulse_team_weeks",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("workspace", "team", "week", name="pk_pulse_team_weeks"),
    )
    op.create_table(
        "pulse_month_rests",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("weeks", sa.String(64), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "team", "month", name="pk_pulse_month_rests"),
    )
    with op.batch_alter_table("pulse_views") as views:
        views.add_column(sa.Column("day", sa.Date(), nullable=True))
        views.create_index(
            "ix_pulse_views_one_a_day", ["workspace", "viewer", "team", "kind", "day"], unique=True
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE pulse_views ALTER COLUMN day SET STATISTICS 0")
        for table, columns in TABLES.items():
            op.execute(
                f"ALTER TABLE {table} "
                + ", ".join(f"ALTER COLUMN {column} SET STATISTICS 0" for column in columns)
            )


def downgrade() -> None:
    with op.batch_alter_table("pulse_views") as views:
        views.drop_index("ix_pulse_views_one_a_day")
        views.drop_column("day")
    op.drop_table("pulse_month_rests")
    op.drop_table("pulse_team_weeks")
    op.drop_index("ix_pulse_period_markers_workspace_team_month", "pulse_period_markers")
    op.drop_table("pulse_period_markers")
