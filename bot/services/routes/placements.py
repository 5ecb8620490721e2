"""Students on placement: `/placement` and its form, the field instructor's buttons,
sharing a few words with the instructor."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Form, FormValues
from bot.ports.platform import Directory
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.help import HelpService
from bot.services.placements import PlacementService


class PlacementRoutes:
    def __init__(
        self, placements: PlacementService, help: HelpService, directory: Directory
    ) -> None:
        self._placements, self._help, self._directory = placements, help, directory

    def register(self, table: DispatchTable) -> None:
        table.command(Command.PLACEMENT, "", self._start)
        table.command(Command.PLACEMENT, "stop", self._stop)
        table.command(Command.PLACEMENT, "help", self._show_help)
        table.action(Action.PLACEMENT_CONFIRM, self._confirm)
        table.action(Action.PLACEMENT_DECLINE, self._decline)
        table.action(Action.PLACEMENT_SHARE, self._share)
        table.action(Action.PLACEMENT_STOP, self._stop_one)
        table.action(Action.PLACEMENT_KEEP, self._keep)
        table.form(FormId.PLACEMENT, self._form, self._save)
        table.form(FormId.PLACEMENT_SHARE, self._share_form, self._send_share)

    async def _start(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome(form=await self._form(where, ""))

    async def _stop(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(*await self._placements.stop(where.workspace, where.person))

    async def _show_help(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(self._help.show_help(Command.PLACEMENT, typed))

    async def _confirm(self, where: Where, placement_id: str) -> Outcome:
        card = await self._placements.confirm(where.workspace, where.person, placement_id)
        return Outcome.private(card, replace=True)

    async def _decline(self, where: Where, placement_id: str) -> Outcome:
        card = await self._placements.decline(where.workspace, where.person, placement_id)
        return Outcome.private(card, replace=True)

    async def _share(self, where: Where, value: str) -> Outcome:
        return Outcome(form=self._placements.cards.share_form())

    async def _stop_one(self, where: Where, placement_id: str) -> Outcome:
        card = await self._placements.stop_one(where.workspace, where.person, placement_id)
        return Outcome.private(card, replace=True)

    async def _keep(self, where: Where, placement_id: str) -> Outcome:
        card = await self._placements.keep(where.workspace, where.person, placement_id)
        return Outcome.private(card, replace=True)

    async def _form(self, where: Where, context: str) -> Form:
        timezone = await self._directory.timezone_of(where.workspace, where.person)
        return self._placements.cards.placement_form(timezone)

    async def _save(self, where: Where, context: str, values: FormValues) -> Outcome:
        card, ask = await self._placements.register(where.workspace, where.person, values)
        return Outcome(reply=(card,), then=ask)

    async def _share_form(self, where: Where, context: str) -> Form:
        return self._placements.cards.share_form()

    async def _send_share(self, where: Where, context: str, values: FormValues) -> Outcome:
        # The words go out once, through `then`; nothing here keeps or logs them.
        send = await self._placements.prepare_share(where.workspace, where.person, values)
        return Outcome(then=send)
