"""The agency's holiday calendar: days every schedule skips, set once by an admin."""

from bot.domain.admin_actions import AdminActionKind
from bot.domain.roles import Role
from bot.domain.schedules import parse_dates
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card
from bot.ports.platform import Roles
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.admin_trail import AdminTrail
from bot.services.errors import BotError
from prompts import Catalog


class HolidayService:
    def __init__(
        self, uow: UnitOfWorkFactory, catalog: Catalog, roles: Roles, trail: AdminTrail
    ) -> None:
        self._uow = uow
        self._catalog = catalog
        self._roles = roles
        self._trail = trail

    async def holidays(self, workspace: WorkspaceRef, person: str, words: str) -> Card:
        """`holidays` shows the calendar; `holidays <dates>` (admins) replaces it; `clear`
        empties it."""
        if not words.strip():
            async with self._uow() as uow:
                days = await uow.holidays.days(workspace)
            if not days:
                return Card.plain(self._catalog.text("holidays.none"))
            listed = ", ".join(day.isoformat() for day in sorted(days))
            return Card.plain(self._catalog.text("holidays.listed", days=listed))
        if not await self._roles.holds(workspace, person, Role.ADMIN):
            raise BotError("holidays.refuse")
        days, bad = (frozenset(), None) if words.strip() == "clear" else parse_dates(words)
        if bad is not None:
            raise BotError("holidays.bad_date", value=bad)
        async with self._uow() as uow:
            await uow.holidays.replace(workspace, days)
            kind = AdminActionKind.HOLIDAYS_SET if days else AdminActionKind.HOLIDAYS_CLEAR
            await self._trail.note(uow, workspace, person, kind)
            await uow.commit()
        return Card.plain(self._catalog.text("holidays.saved", count=str(len(days))))
