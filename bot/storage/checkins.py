"""SqlCheckinRepository: posted check-ins (no one's answers live here)."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import Checkin
from bot.storage.tables import checkins


class SqlCheckinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, checkin: Checkin) -> None:
        await self._session.execute(
            checkins.insert().values(
                id=checkin.id,
                workspace=checkin.workspace.key,
                conversation=checkin.conversation,
                posted_at=checkin.posted_at,
            )
        )
