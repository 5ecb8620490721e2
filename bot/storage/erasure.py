"""Wiping deleted personal rows from the database files, not just from the tables.

Deleting a row leaves its bytes in freed pages, in SQLite's WAL and in PostgreSQL's
dead row versions. SQLite runs with `secure_delete` (freed content is zeroed), so a
checkpoint that truncates the WAL leaves no copy behind. On PostgreSQL a VACUUM only
marks the space free, so the tables are rewritten into new files instead (the old ones
are removed at commit); PostgreSQL's own WAL keeps what was written until it is recycled.
"""

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

# Where deleted rows said who asked for a debrief, who is on placement, or
# (after `/wellspring my data` or a departure) anything else that named a person.
_PERSONAL_TABLES = (
    "debrief_requests",
    "debrief_offers",
    "placements",
    "placement_prompts",
    "volunteers",
    "schedules",
    "rotations",
    "digest_runs",
    "supervisor_teams",
    "platform_addresses",
)

# A column per table through which PostgreSQL rewrites it: a string column that no foreign
# key uses, so the rewrite re-checks no constraint; with its exact type, so nothing changes.
_REWRITE_COLUMNS = """
SELECT DISTINCT ON (c.relname) c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_class AS c
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relname = ANY(:tables) AND c.relkind = 'r' AND pg_table_is_visible(c.oid)
  AND a.atttypid IN ('text'::regtype, 'varchar'::regtype)
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint AS k
      WHERE k.contype = 'f'
        AND ((k.conrelid = c.oid AND a.attnum = ANY(k.conkey))
             OR (k.confrelid = c.oid AND a.attnum = ANY(k.confkey))))
ORDER BY c.relname, a.attnum
"""


# How long a wipe waits for the database (PostgreSQL: the locks on the rewritten tables;
# SQLite: readers of an older snapshot); then it is tried again later, so a handover, or
# another replica's step queued behind the wipe, never waits longer.
NOTE_WIPE_WAIT_MS = 500
LOCK_NOT_AVAILABLE = "55P03"
SQLITE_BUSY_MS = 30000  # bot/storage/engine.py's busy_timeout, put back after a note wipe


class SqlHistoryEraser:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def erase(self) -> bool:
        """After rows naming people were deleted: nothing of them left on any page.
        False when the database was busy; the caller tries again later."""
        if self._engine.dialect.name == "sqlite":
            return await self._checkpoint()
        return await self._rewrite(_PERSONAL_TABLES)

    async def _checkpoint(self) -> bool:
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return result.scalar() == 0

    async def wipe_windows(self) -> bool:
        """SQLite zeroed the closed windows' markers in place (secure_delete); emptying the
        WAL drops the earlier copies. PostgreSQL dropped each window's own tables at the
        close (bot/storage/pulse_windows.py): nothing is left to do."""
        if self._engine.dialect.name == "sqlite":
            return await self._checkpoint()
        return True

    async def wipe_notes(self) -> bool:
        """After a debrief note is cleared: nothing of it (sealed or not) left on any page.

        SQLite zeroed it in place (secure_delete); emptying the WAL drops the earlier copies.
        PostgreSQL rewrites debrief_requests, a small table: requests become monthly counts
        after DEBRIEF_RETENTION_DAYS.
        """
        if self._engine.dialect.name == "sqlite":
            return await self._checkpoint_briefly()
        return await self._rewrite(("debrief_requests",))

    async def _rewrite(self, tables: tuple[str, ...]) -> bool:
        """PostgreSQL: rewrite each table through a table-rewriting ALTER TABLE that changes
        nothing. Unlike VACUUM FULL, which keeps every row version an open snapshot elsewhere
        may still see, it copies only the rows visible now, and its indexes are rebuilt."""
        try:
            async with self._engine.begin() as connection:
                await connection.exec_driver_sql(f"SET LOCAL lock_timeout = {NOTE_WIPE_WAIT_MS}")
                columns = await connection.execute(text(_REWRITE_COLUMNS), {"tables": list(tables)})
                for table, column, sql_type in columns.all():
                    await connection.exec_driver_sql(
                        f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}'
                        f" USING \"{column}\" || ''"  # an expression: PostgreSQL rewrites
                    )
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                return False
            raise
        return True

    async def _checkpoint_briefly(self) -> bool:
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(f"PRAGMA busy_timeout={NOTE_WIPE_WAIT_MS}")
            try:
                result = await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                return result.scalar() == 0
            finally:
                await autocommit.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")

    async def compact(self) -> bool:
        """SQLite, at start: rebuild the file and empty the WAL, so nothing written before
        (a 0.1.0 plain token, a page freed without secure_delete) survives on any page.
        False when another process kept it from finishing (the next start tries again).

        PostgreSQL needs nothing here: migration 0017 rewrote the tables that held secrets.
        """
        if self._engine.dialect.name != "sqlite":
            return True
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                await autocommit.exec_driver_sql("VACUUM")
            except OperationalError:  # busy: a backup or another process is reading
                return False
            result = await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return result.scalar() == 0
