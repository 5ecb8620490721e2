"""A person's own data: `/wellspring my data` and its delete button; an admin's
`/wellspring erase <person>`."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.help import HelpService
from bot.services.personal_data import PersonalDataService


class PersonalDataRoutes:
    def __init__(self, personal: PersonalDataService, help: HelpService) -> None:
        self._personal, self._help = personal, help

    def register(self, table: DispatchTable) -> None:
        table.command(Command.WELLSPRING, "my", self._my_data)
        table.command(Command.WELLSPRING, "erase", self._erase_for)
        table.action(Action.PERSONAL_DATA_DELETE, self._erase_own)

    async def _my_data(self, where: Where, typed: CommandText) -> Outcome:
        if typed.rest.lower() != "data":
            return Outcome.private(self._help.show_help(Command.WELLSPRING, typed))
        return Outcome.private(await self._personal.describe(where.workspace, where.person))

    async def _erase_for(self, where: Where, typed: CommandText) -> Outcome:
        card = await self._personal.erase_for(where.workspace, where.person, typed.rest)
        return Outcome.private(card)

    async def _erase_own(self, where: Where, value: str) -> Outcome:
        # Only ever the clicker's own data, whatever the button's value says.
        card = await self._personal.erase_own(where.workspace, where.person)
        return Outcome.private(card, replace=True)
