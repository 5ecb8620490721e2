"""Wiping deleted personal rows from the database files, not just from the tables.

Deleting a row leaves its bytes in freed pages, in SQLite's WAL and in PostgreSQL's
dead row versions. SQLite runs with `secure_delete` (freed content is zeroed), so a
checkpoint that truncates the WAL leaves no copy behind; PostgreSQL's VACUUM removes
the dead row versions (its WAL keeps markers, which are opaque without the secret).
"""

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

# Where deleted rows said who answered, who asked for a debrief, who is on placement, or
# (after `/wellspring my data` or a departure) anything else that named a person.
_PERSONAL_TABLES = (
    "pulse_participants, debrief_requests, debrief_offers, placements, placement_prompts, "
    "volunteers, schedules, schedule_runs, rotations, digest_runs, platform_addresses"
)


# How long a note wipe waits for the database (PostgreSQL: the lock on debrief_requests;
# SQLite: readers of an older snapshot); then it is tried again later, so a handover, or
# another replica's debrief step queued behind the wipe, never waits longer.
NOTE_WIPE_WAIT_MS = 500
LOCK_NOT_AVAILABLE = "55P03"
SQLITE_BUSY_MS = 30000  # bot/storage/engine.py's busy_timeout, put back after a note wipe


class SqlHistoryEraser:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def erase(self) -> bool:
        async with self._engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if self._engine.dialect.name == "sqlite":
                result = await autocommit.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = result.scalar()
                return busy == 0
            await autocommit.exec_driver_sql(f"VACUUM {_PERSONAL_TABLES}")
            return True

    async def wipe_notes(self) -> bool:
        """After a debrief note is cleared: nothing of it (sealed or not) left on any page.

        SQLite zeroed it in place (secure_delete); emptying the WAL drops the earlier copies.
        PostgreSQL rewrites debrief_requests through a table-rewriting ALTER TABLE that
        changes nothing: it copies only the rows visible now, never a dead version that an
        open snapshot elsewhere could still see (VACUUM FULL would keep those). A small table:
        requests become monthly counts after DEBRIEF_RETENTION_DAYS.
        """
        if self._engine.dialect.name == "sqlite":
            return await self._checkpoint_briefly()
        try:
            async with self._engine.begin() as connection:
                await connection.exec_driver_sql(f"SET LOCAL lock_timeout = {NOTE_WIPE_WAIT_MS}")
                await connection.exec_driver_sql(
                    "ALTER TABLE debrief_requests ALTER COLUMN note TYPE text USING note || ''"
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
