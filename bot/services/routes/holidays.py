"""The agency's holidays: `/wellspring holidays` shows them; admins change them."""

from bot.domain.commands import Command, CommandText
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.holidays import HolidayService


class HolidayRoutes:
    def __init__(self, holidays: HolidayService) -> None:
        self._holidays = holidays

    def register(self, table: DispatchTable) -> None:
        table.command(Command.WELLSPRING, "holidays", self._holidays_words)

    async def _holidays_words(self, where: Where, typed: CommandText) -> Outcome:
        card = await self._holidays.holidays(where.workspace, where.person, typed.rest)
        return Outcome.private(card)
