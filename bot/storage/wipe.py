"""Emptying every table: the playground's "Start over" (its own database, never the real one)."""

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.pulse_windows import drop_orphan_windows
from bot.storage.tables import metadata


async def wipe_all(engine: AsyncEngine) -> None:
    """Delete every row, children before parents, and the open windows' own tables."""
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))
        await drop_orphan_windows(connection)
