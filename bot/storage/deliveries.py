"""SqlDeliveryLog: claims delivery ids with an insert that ignores duplicates."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, insert_once
from bot.storage.tables import processed_deliveries


class SqlDeliveryLog:
    """Delivery ids, unique per workspace, so concurrent replicas agree on the first."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, workspace: WorkspaceRef, delivery_id: str, at: datetime) -> bool:
        return await insert_once(
            self._session,
            processed_deliveries,
            workspace=workspace.key,
            delivery_id=delivery_id,
            received_at=at,
        )

    async def forget_before(self, cutoff: datetime) -> int:
        table = processed_deliveries
        result = await self._session.execute(delete(table).where(table.c.received_at < cutoff))
        return affected(result)
