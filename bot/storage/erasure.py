"""Wiping deleted personal rows from the database files, not just from the tables.

Deleting a row leaves its bytes in freed pages, in SQLite's WAL and in PostgreSQL's
dead row versions. SQLite runs with `secure_delete` (freed content is zeroed), so a
checkpoint that truncates the WAL leaves no copy behind; PostgreSQL's VACUUM removes
the dead row versions (its WAL keeps markers, which are opaque without the secret).
"""

from sqlalchemy.ext.asyncio import AsyncEngine

# Where deleted rows said who answered, who asked for a debrief, who is on placement, or
# (after `/wellspring my data` or a departure) anything else that named a person.
_PERSONAL_TABLES = (
    "pulse_participants, debrief_requests, debrief_offers, placements, placement_prompts, "
    "volunteers, schedules, schedule_runs, rotations, digest_runs, platform_addresses"
)


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
