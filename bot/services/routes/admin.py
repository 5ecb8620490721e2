"""Admin tools: `/wellspring admin`, copying a schedule to other teams."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Form, FormValues
from bot.services.admin import AdminService
from bot.services.dispatch_table import DispatchTable, Outcome, Where


class AdminRoutes:
    def __init__(self, admin: AdminService) -> None:
        self._admin = admin

    def register(self, table: DispatchTable) -> None:
        table.command(Command.WELLSPRING, "admin", self._overview)
        table.action(Action.SCHEDULE_COPY_ALL, self._copy_to_every_team)
        table.action(Action.SCHEDULE_COPY_SOME, self._choose_teams)
        table.form(FormId.SCHEDULE_COPY, self._copy_form, self._copy_to_chosen)

    async def _overview(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(*await self._admin.overview(where.workspace, where.person))

    async def _copy_to_every_team(self, where: Where, schedule_id: str) -> Outcome:
        card = await self._admin.copy_to_every_team(where.workspace, where.person, schedule_id)
        return Outcome.private(card)

    async def _choose_teams(self, where: Where, schedule_id: str) -> Outcome:
        return Outcome(form=await self._copy_form(where, schedule_id))

    async def _copy_form(self, where: Where, schedule_id: str) -> Form:
        return await self._admin.copy_form(where.workspace, where.person, schedule_id)

    async def _copy_to_chosen(self, where: Where, schedule_id: str, values: FormValues) -> Outcome:
        workspace, person = where.workspace, where.person
        return Outcome.private(
            await self._admin.copy_to_chosen(workspace, person, schedule_id, values)
        )
