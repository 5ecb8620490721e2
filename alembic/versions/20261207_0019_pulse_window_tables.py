"""pulse window tables: on PostgreSQL, each open check-in's markers and counts in tables of its own

Open check-ins' rows move out of pulse_participants and pulse_counts into their windows'
tables (which the close drops), and both shared tables are rewritten into new files, so no
marker and no per-click counter version from before the upgrade stays in their pages.
SQLite keeps the shared tables: nothing to do there.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("SELECT id FROM checkins WHERE NOT closed ORDER BY id")
LEVELS = ("early", "middle", "late", "beyond")


def window_tables(checkin_id: str) -> tuple[str, str]:
    name = "pulse_window_" + uuid.UUID(checkin_id).hex
    return f"{name}_markers", f"{name}_counts"


def create_window(checkin_id: str) -> None:
    """As bot/storage/pulse_windows.py makes them: no column is ever sampled by ANALYZE."""
    markers, counts = window_tables(checkin_id)
    options = "WITH (autovacuum_enabled = off)"
    op.execute(f"CREATE TABLE {markers} (marker varchar(64) PRIMARY KEY) {options}")
    op.execute(f"ALTER TABLE {markers} ALTER COLUMN marker SET STATISTICS 0")
    op.execute(
        f"CREATE TABLE {counts} (level varchar(16) NOT NULL, responses integer NOT NULL) {options}"
    )
    op.execute(
        f"ALTER TABLE {counts} ALTER COLUMN level SET STATISTICS 0,"
        " ALTER COLUMN responses SET STATISTICS 0"
    )
    zeros = ", ".join(f"('{level}', 0)" for level in LEVELS)
    op.execute(f"INSERT INTO {counts} (level, responses) VALUES {zeros}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for (checkin_id,) in bind.execute(OPEN):
        markers, counts = window_tables(checkin_id)
        create_window(checkin_id)
        values = {"id": checkin_id}
        bind.execute(
            sa.text(
                f"INSERT INTO {markers} (marker)"
                " SELECT marker FROM pulse_participants WHERE checkin_id = :id"
            ),
            values,
        )
        bind.execute(
            sa.text(
                f"UPDATE {counts} AS w SET responses = c.responses FROM pulse_counts AS c"
                " WHERE c.checkin_id = :id AND c.level = w.level"
            ),
            values,
        )
    bind.execute(sa.text("DELETE FROM pulse_participants"))
    open_ids = "SELECT id FROM checkins WHERE NOT closed"
    bind.execute(sa.text(f"DELETE FROM pulse_counts WHERE checkin_id IN ({open_ids})"))
    # New files for both; the old ones, deleted rows and old versions in their free space,
    # are unlinked at commit. CLUSTER puts each check-in's counters in level order (before,
    # the place of each counter's latest version said which level was clicked last), but
    # keeps their transaction ids, which say the same, and any version another snapshot
    # could still see. So a table-rewriting ALTER TABLE that changes nothing follows: it
    # copies only the rows visible now, in that order, all under this transaction's id.
    bind.execute(sa.text("CLUSTER pulse_counts USING pk_pulse_counts"))
    rewrites = (
        ("pulse_counts", "level", "varchar(16)"),
        ("pulse_participants", "marker", "varchar(64)"),
    )
    for table, column, sql_type in rewrites:
        bind.execute(
            sa.text(
                f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type} USING {column} || ''"
            )
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for (checkin_id,) in bind.execute(OPEN):
        markers, counts = window_tables(checkin_id)
        if bind.execute(sa.text("SELECT to_regclass(:t)"), {"t": markers}).scalar() is None:
            continue
        values = {"id": checkin_id}
        bind.execute(
            sa.text(
                "INSERT INTO pulse_participants (checkin_id, marker)"
                f" SELECT :id, marker FROM {markers}"
            ),
            values,
        )
        bind.execute(
            sa.text(
                "INSERT INTO pulse_counts (checkin_id, level, responses)"
                f" SELECT :id, level, responses FROM {counts}"
            ),
            values,
        )
        bind.execute(sa.text(f"DROP TABLE {markers}, {counts}"))
