"""Answers counted so far, as tests read them from the database, open windows included."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.pulse_windows import WINDOW_TABLE


async def answers_counted(conn: AsyncConnection) -> int:
    """Closed check-ins' counts in pulse_counts; on PostgreSQL an open window's are in its
    own `pulse_window_<id>_counts` table (bot/storage/pulse_windows.py)."""
    total = int(await conn.scalar(text("SELECT coalesce(sum(responses), 0) FROM pulse_counts")))
    if conn.dialect.name == "postgresql":
        names = await conn.scalars(
            text(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'pulse_window_%'"
            )
        )
        for name in names:
            if WINDOW_TABLE.fullmatch(name) and name.endswith("_counts"):
                total += int(await conn.scalar(text(f"SELECT sum(responses) FROM {name}")) or 0)
    return total
