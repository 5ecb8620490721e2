"""Wiping deleted personal rows from the database files, not just from the tables.

Deleting a row leaves its bytes in freed pages, in SQLite's WAL and in PostgreSQL's
dead row versions. SQLite runs with `secure_delete` (freed content is zeroed), so a
checkpoint that truncates the WAL leaves no copy behind. On PostgreSQL a VACUUM only
marks the space free, so the tables are rewritten into new files instead (the old ones
are removed at commit); PostgreSQL's own WAL keeps what was written until it is recycled.
A wipe waits for a busy database only briefly; then it is remembered and retried until done.
"""

import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

# Where deleted rows said who asked for a debrief, who is on placement, or
# (after `/wellspring my data` or a departure) anything else that named a person, an
# admin action about them included.
PERSONAL_TABLES = (
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
    "admin_actions",
    "pulse_views",
)

# A column per table through which PostgreSQL rewrites it: a string column that no foreign
# key uses, so the rewrite re-checks no constraint; with its exact type, so nothing changes.
REWRITE_COLUMNS = """
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


# VACUUM FULL of a catalog is for its database's owner (or a superuser) alone.
_MAY_REWRITE_STATISTICS = """
SELECT r.rolsuper OR d.datdba = r.oid
FROM pg_roles AS r, pg_database AS d
WHERE r.rolname = current_user AND d.datname = current_database()
"""


# How long a wipe waits for the database (PostgreSQL: the locks on the rewritten tables;
# SQLite: a writer, or readers of an older snapshot); then the retry job tries it again, so
# no reply, and no other replica's step queued behind the wipe, ever waits longer.
WIPE_WAIT_MS = 500
LOCK_NOT_AVAILABLE = "55P03"
SQLITE_BUSY_MS = 30000  # bot/storage/engine.py's busy_timeout, put back after a wipe

# The steps of a wipe, in the order a retry takes them; each pending at most once.
_VACUUM = "SQLite's file rebuild"
_CHECKPOINT = "SQLite's WAL checkpoint"
_PERSONAL = "the personal tables' rewrite"
_NOTES = "debrief_requests' rewrite"
_PERIODS = "pulse_period_markers' rewrite"
_STEPS = (_VACUUM, _CHECKPOINT, _PERSONAL, _NOTES, _PERIODS)
# What each step runs: an SQLite statement, or the PostgreSQL tables it rewrites.
_SQLITE_STATEMENTS = {_VACUUM: "VACUUM", _CHECKPOINT: "PRAGMA wal_checkpoint(TRUNCATE)"}
_REWRITES = {
    _PERSONAL: PERSONAL_TABLES,
    _NOTES: ("debrief_requests",),
    _PERIODS: ("pulse_period_markers",),
}


class SqlHistoryEraser:
    """Every wipe either finishes at once or is remembered and retried by `retry_pending`
    (the bootstrap's retry job) until it does. Each step rewrites or checkpoints everything of
    its kind, so one that finishes anywhere covers what any replica left pending."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._pending: set[str] = set()

    async def erase(self) -> bool:
        """After rows naming people were deleted: nothing of them left on any page.
        False when the database was busy; the retry job tries again."""
        return await self._wipe(_CHECKPOINT if self._sqlite else _PERSONAL)  # pragma: no mutate

    async def wipe_windows(self) -> bool:
        """After check-ins closed. SQLite zeroed their markers in place (secure_delete), but a
        counter's cell moved within its page as it grew, and the freed space keeps where it
        was: the file is rebuilt (`compact`), so neither says which level was clicked when.
        PostgreSQL dropped each window's own tables at the close (bot/storage/pulse_windows.py)
        and wrote its tally once: nothing is left to do."""
        return await self.compact()

    async def wipe_periods(self) -> bool:
        """After a month's period markers were deleted: none of them left on any page.
        SQLite zeroed them in place (secure_delete); the file is rebuilt and the WAL emptied,
        as after a close. PostgreSQL rewrites pulse_period_markers (its indexes with it)."""
        if self._sqlite:
            return await self.compact()
        return await self._wipe(_PERIODS)

    async def wipe_notes(self) -> bool:
        """After a debrief note is cleared: nothing of it (sealed or not) left on any page.

        SQLite zeroed it in place (secure_delete); emptying the WAL drops the earlier copies.
        PostgreSQL rewrites debrief_requests, a small table: requests become monthly counts
        after DEBRIEF_RETENTION_DAYS.
        """
        return await self._wipe(_CHECKPOINT if self._sqlite else _NOTES)  # pragma: no mutate

    async def compact(self) -> bool:
        """SQLite, at start and after check-ins closed: rebuild the file (VACUUM) and empty the
        WAL, so nothing written before (a 0.1.0 plain token, a page freed without secure_delete,
        where a counter's cell was) survives on any page.

        PostgreSQL, at start: rewrite pg_statistic, where the samples that an ANALYZE took of
        personal columns before migration 0020 stopped it stay as dead rows (a 0.1.0 token, an
        erased id). Only the database's owner or a superuser may; others are told to ask one
        (docs/upgrading.md). Migration 0017 rewrote the tables themselves."""
        if self._sqlite:
            return await self._wipe(_VACUUM)
        return await self._rewrite_statistics()

    async def _rewrite_statistics(self) -> bool:
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            allowed = await autocommit.scalar(text(_MAY_REWRITE_STATISTICS))
            if not allowed:
                logger.warning(
                    "pg_statistic may keep samples taken before migration 0020: only the"
                    " database's owner can rewrite it (docs/upgrading.md)"
                )
                return False
            await autocommit.exec_driver_sql(f"SET lock_timeout = {WIPE_WAIT_MS}")
            try:
                await autocommit.exec_driver_sql("VACUUM FULL pg_catalog.pg_statistic")
            except DBAPIError as error:
                logger.warning("pg_statistic was not rewritten: %s", type(error).__name__)
                return False
            finally:
                await autocommit.exec_driver_sql("RESET lock_timeout")
            return True

    async def retry_pending(self) -> None:
        """Each step that found the database busy, once more; nothing when none is pending."""
        for step in _STEPS:
            if step in self._pending:
                await self._wipe(step)

    async def _wipe(self, step: str) -> bool:
        self._pending.add(step)
        try:
            done = await self._run(step)
            reason = "busy"  # pragma: no mutate (a log line's word)
        except Exception as error:  # the database is away: as busy, the retry job tries again
            done, reason = False, type(error).__name__
        if not done:
            logger.warning("%s did not finish (%s); the retry job tries again", step, reason)
            return False
        self._pending.discard(step)
        if step == _VACUUM:  # the rebuilt file is in the WAL; the old pages are still in the file
            return await self._wipe(_CHECKPOINT)
        return True

    async def _run(self, step: str) -> bool:
        if step in _SQLITE_STATEMENTS:
            return await self._sqlite_step(_SQLITE_STATEMENTS[step])
        return await self._rewrite(_REWRITES[step])

    async def _rewrite(self, tables: tuple[str, ...]) -> bool:
        """PostgreSQL: rewrite each table through a table-rewriting ALTER TABLE that changes
        nothing. Unlike VACUUM FULL, which keeps every row version an open snapshot elsewhere
        may still see, it copies only the rows visible now, and its indexes are rebuilt."""
        try:
            async with self._engine.begin() as connection:
                await connection.exec_driver_sql(f"SET LOCAL lock_timeout = {WIPE_WAIT_MS}")
                columns = await connection.execute(text(REWRITE_COLUMNS), {"tables": list(tables)})
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

    async def _sqlite_step(self, statement: str) -> bool:
        """SQLite: VACUUM, or a checkpoint that truncates the WAL, waiting at most WIPE_WAIT_MS
        for other connections; False when busy."""
        async with self._engine.connect() as connection:
            level = "AUTOCOMMIT"  # pragma: no mutate (SQLAlchemy reads it in any case)
            autocommit = await connection.execution_options(isolation_level=level)
            await autocommit.exec_driver_sql(f"PRAGMA busy_timeout={WIPE_WAIT_MS}")
            try:
                result = await autocommit.exec_driver_sql(statement)
                # A checkpoint's first column is 1 when a reader kept it from finishing.
                return not result.returns_rows or result.scalar() == 0
            except OperationalError:  # busy: another writer held the database too long
                return False
            finally:
                await autocommit.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
