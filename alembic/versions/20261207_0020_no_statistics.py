"""no statistics: PostgreSQL's ANALYZE samples no personal column, and forgets what it sampled

ANALYZE (autovacuum's, a DBA's `ANALYZE;`, `vacuumdb -Z`, the one after `pg_upgrade`) copies
sample values of each column into pg_statistic, where they outlived an erasure, a closed
check-in's dropped window tables and a handed-over note. Every column of the tables below,
and of each open check-in's window tables, gets a statistics target of 0: ANALYZE skips it.

The statistics already collected for those columns are removed: an ALTER COLUMN ... TYPE to
the column's own type, collation included, with the plain column as USING, changes nothing
and rewrites nothing (no table or index is rebuilt, keys and foreign keys stay), but
PostgreSQL deletes the column's pg_statistic row. The deleted rows stay in pg_statistic's
free space until a superuser's `VACUUM FULL pg_statistic` (docs/upgrading.md).

Left out, as nothing in them is about a person: the counts (pulse_counts, debrief_months),
the agency's days off (agency_holidays), the post budget (send_turns) and checkins (team
channels and times; a check-in is posted in a channel only). checkins is the one large table
the summaries read, where the planner needs its estimates: at 93,600 check-ins, the all-teams
sum took 59 ms without them and 33 ms with them. The tables below are read by key, where
PostgreSQL's default estimates give the same plans.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSONAL = (
    "processed_deliveries",
    "schedules",
    "schedule_runs",
    "rotations",
    "pulse_participants",
    "pulse_views",
    "digest_runs",
    "volunteers",
    "debrief_requests",
    "debrief_offers",
    "platform_addresses",
    "placements",
    "placement_prompts",
    "supervisor_teams",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
)
WINDOW_TABLES = r"pulse\_window\_%"

# Each column of those tables and of the window tables, with its exact type and collation.
COLUMNS = sa.text(
    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
    " CASE WHEN a.attcollation <> 0 THEN a.attcollation::regcollation::text END"
    " FROM pg_class AS c JOIN pg_attribute AS a ON a.attrelid = c.oid"
    " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
    " AND (c.relname = ANY(:tables) OR c.relname LIKE :windows)"
    " AND a.attnum > 0 AND NOT a.attisdropped"
    " ORDER BY c.relname, a.attnum"
)


def _columns() -> dict[str, list[tuple[str, str, str | None]]]:
    """table -> [(quoted column, type, collation or None)]."""
    bind = op.get_bind()
    quote = bind.dialect.identifier_preparer.quote
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    rows = bind.execute(COLUMNS, {"tables": list(PERSONAL), "windows": WINDOW_TABLES})
    for table, column, sql_type, collation in rows:
        found.setdefault(quote(table), []).append((quote(column), sql_type, collation))
    return found


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _columns().items():
        steps = []
        for column, sql_type, collation in columns:
            same_type = f"{sql_type} COLLATE {collation}" if collation else sql_type
            steps.append(f"ALTER COLUMN {column} SET STATISTICS 0")
            steps.append(f"ALTER COLUMN {column} TYPE {same_type} USING {column}")
        op.execute(f"ALTER TABLE {table} {', '.join(steps)}")


def downgrade() -> None:
    """Back to the default target; the removed statistics come back at the next ANALYZE."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _columns().items():
        steps = ", ".join(f"ALTER COLUMN {column} SET STATISTICS -1" for column, _, _ in columns)
        op.execute(f"ALTER TABLE {table} {steps}")
