"""Insert-or-ignore (the claims that make work exactly-once), row counts, stored times."""

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


async def insert_once(
    executor: AsyncSession | AsyncConnection, table: Table, **values: Any
) -> bool:
    """Insert a row unless its key exists; True if this call inserted it."""
    bind = executor if isinstance(executor, AsyncConnection) else executor.get_bind()
    # The choice is PostgreSQL-only (make mutate runs on SQLite; make test covers it).
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite  # pragma: no mutate
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    result = await executor.execute(statement)
    return bool(cast(CursorResult[Any], result).rowcount)


def affected(result: object) -> int:
    """Rows touched by an UPDATE or DELETE."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # pragma: no mutate
