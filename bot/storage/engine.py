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


def create_engine(url: str, for_clicks: bool = False) -> AsyncEngine:
    """Build the engine; SQLite gets foreign keys, WAL and a busy timeout.

    `hide_parameters`: bound values (user ids, notes) never reach an error message or a log.
    `for_clicks`: the click ledger's own pool (bot/storage/click_ledger.py), whose every use
    ends its transaction itself: no ping or rollback around each, which cost round trips.
    """
    for name in ("aiosqlite", "sqlalchemy.engine"):
        # Their debug output carries query parameters, some of which are user ids.
        chatty = logging.getLogger(name)
        chatty.setLevel(max(chatty.getEffectiveLevel(), logging.INFO))
    ends_itself: dict[str, Any] = {"pool_reset_on_return": None} if for_clicks else {}
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": 30}, hide_parameters=True, **ends_itself
        )
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    if for_clicks:
        ends_itself["isolation_level"] = "AUTOCOMMIT"
    return create_async_engine(
        url,
        pool_pre_ping=not for_clicks,
        pool_size=5,
        max_overflow=5,
        hide_parameters=True,
        **ends_itself,
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
