"""What a backup does to the database while it reads: the reader the wipes must outlast."""

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url


@asynccontextmanager
async def backup_reading(database_url: str, table: str) -> AsyncIterator[None]:
    """SQLite: a read snapshot held open (no truncating checkpoint can pass it). PostgreSQL:
    pg_dump's snapshot, with ACCESS SHARE on `table` (no rewrite of it can start)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        reader = sqlite3.connect(url.database or "", isolation_level=None)
        reader.execute("BEGIN")
        reader.execute(f"SELECT count(*) FROM {table}").fetchall()
        try:
            yield
        finally:
            reader.execute("COMMIT")
            reader.close()
        return
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = await asyncpg.connect(dsn)
    try:
        async with dump.transaction(isolation="repeatable_read"):
            await dump.execute(f"LOCK TABLE {table} IN ACCESS SHARE MODE")
            yield
    finally:
        await dump.close()
