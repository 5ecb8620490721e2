"""SqlDeliveryLog: claims delivery ids with an insert that ignores duplicates."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.workspaces import WorkspaceRef
from bot.storage.tables import processed_deliveries


class SqlDeliveryLog:
    """Delivery ids, unique per workspace, so concurrent replicas agree on the first."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, workspace: WorkspaceRef, delivery_id: str, at: datetime) -> bool:
        dialect = postgresql if self._session.get_bind().dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(processed_deliveries)
            .values(workspace=workspace.key, delivery_id=delivery_id, received_at=at)
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(statement)
        return bool(cast(CursorResult[Any], result).rowcount)

    async def forget_before(self, cutoff: datetime) -> int:
        statement = delete(processed_deliveries).where(processed_deliveries.c.received_at < cutoff)
        result = await self._session.execute(statement)
        return int(cast(CursorResult[Any], result).rowcount or 0)
