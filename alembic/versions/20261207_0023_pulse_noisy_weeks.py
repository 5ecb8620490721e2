"""pulse noisy weeks: PULSE_PRIVACY=dp keeps each settled team week's noisy release

One row per team and ISO week once a supervisor first looks after it settled: its four
counts with discrete Laplace noise, so that every later look shows the same. Only counts
for a team's whole week, as pulse_counts holds for each check-in: nothing about a person.
On PostgreSQL no column is ever sampled by ANALYZE (statistics target 0, as 0020).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("workspace", "team", "week", "ends_at", "counts")


def upgrade() -> None:
    op.create_table(
        "pulse_noisy_weeks",
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "team", "week", name="pk_pulse_noisy_weeks"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE pulse_noisy_weeks "
            + ", ".join(f"ALTER COLUMN {column} SET STATISTICS 0" for column in COLUMNS)
        )


def downgrade() -> None:
    op.drop_table("pulse_noisy_weeks")
