"""The async engine: SQLite by default, PostgreSQL for larger agencies."""

import logging
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(url: str) -> AsyncEngine:
    """Build the engine; SQLite gets foreign keys, WAL and a busy timeout.

    `hide_parameters`: bound values (user ids, notes) never reach an error message or a log.
    """
    for name in ("aiosqlite", "sqlalchemy.engine"):
        # Their debug output carries query parameters, some of which are user ids.
        chatty = logging.getLogger(name)
        chatty.setLevel(max(chatty.getEffectiveLevel(), logging.INFO))
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    return create_async_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Raise if the database does not answer."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows (participation markers above all) are zeroed, not left in freed space.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
