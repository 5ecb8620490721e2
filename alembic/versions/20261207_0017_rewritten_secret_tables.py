"""rewritten secret tables: no Slack token or debrief note left in plain text on a page

0009 sealed the Slack tokens, but on PostgreSQL the plain values stayed on the tables' pages
as dead row versions (the replaced installations' rows and every value 0009 sealed), and the
debrief notes of 0.1.0 stayed as dead versions of debrief_requests. This rewrites the three
tables into new files and the old files are removed at commit.

The rewrite is a table-rewriting ALTER TABLE that changes nothing (each column gets its own
type back through an expression): unlike VACUUM FULL or CLUSTER, which keep every row
version another transaction's snapshot may still see, and would keep the versions this very
transaction replaced in 0009, it copies only the rows visible now. It runs inside the
migration's transaction, under the migration lock. A transaction with an older snapshot
(none of Wellspring's: they read committed) would see the tables empty.

SQLite has no such statement inside a transaction: the app rebuilds the file (VACUUM) and
empties the WAL at each start, after migrating (bot/storage/erasure.py).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (a column, its type) through which the table is rewritten
REWRITTEN = {
    "slack_bots": ("bot_token", "varchar(1000)"),
    "slack_installations": ("bot_token", "varchar(1000)"),
    "debrief_requests": ("note", "text"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (column, sql_type) in REWRITTEN.items():
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type}"
            f" USING {column} || ''"  # an expression, not the column: PostgreSQL rewrites
        )


def downgrade() -> None:
    """Nothing to undo: the schema did not change."""
