"""SqlHolidayCalendar: the agency's own days off, which every schedule skips."""

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.workspaces import WorkspaceRef
from bot.storage.tables import agency_holidays


class SqlHolidayCalendar:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def days(self, workspace: WorkspaceRef) -> frozenset[date]:
        query = select(agency_holidays.c.day).where(agency_holidays.c.workspace == workspace.key)
        return frozenset((await self._session.execute(query)).scalars())

    async def replace(self, workspace: WorkspaceRef, days: frozenset[date]) -> None:
        mine = agency_holidays.c.workspace == workspace.key
        await self._session.execute(delete(agency_holidays).where(mine))
        if days:
            rows = [{"workspace": workspace.key, "day": day} for day in sorted(days)]
            await self._session.execute(agency_holidays.insert(), rows)
