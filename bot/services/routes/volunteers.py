"""Peer volunteers: signing up, away and back, stopping; who is on the roster, and
approving or removing a peer."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Form, FormValues
from bot.ports.platform import Directory
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.volunteers import VolunteerService


class VolunteerRoutes:
    def __init__(self, volunteers: VolunteerService, directory: Directory) -> None:
        self._volunteers, self._directory = volunteers, directory

    def register(self, table: DispatchTable) -> None:
        table.command(Command.DEBRIEF, "volunteer", self._volunteer)
        table.command(Command.DEBRIEF, "away", self._away)
        table.command(Command.DEBRIEF, "available", self._available)
        table.command(Command.DEBRIEF, "stop", self._stop)
        table.command(Command.DEBRIEF, "peers", self._peers)
        table.command(Command.WELLSPRING, "remove", self._remove)
        table.action(Action.PEER_REMOVE, self._remove_button)
        table.action(Action.PEER_APPROVE, self._approve)
        table.action(Action.PEER_DECLINE, self._decline)
        table.form(FormId.VOLUNTEER, self._form, self._sign_up)

    async def _volunteer(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome(form=await self._form(where, ""))

    async def _away(self, where: Where, typed: CommandText) -> Outcome:
        card = await self._volunteers.set_away(where.workspace, where.person, typed.rest)
        return Outcome.private(card)

    async def _available(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(await self._volunteers.set_available(where.workspace, where.person))

    async def _stop(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(await self._volunteers.stop(where.workspace, where.person))

    async def _peers(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(await self._volunteers.peers_now(where.workspace, where.person))

    async def _remove(self, where: Where, typed: CommandText) -> Outcome:
        """`/wellspring remove <person>`, for those who run peer support."""
        return await self._remove_button(where, typed.rest)

    async def _remove_button(self, where: Where, peer: str) -> Outcome:
        card = await self._volunteers.remove_peer(where.workspace, where.person, peer)
        return Outcome.private(card)

    async def _approve(self, where: Where, value: str) -> Outcome:
        card = await self._volunteers.decide(where.workspace, where.person, value, True)
        return Outcome.private(card, replace=True)

    async def _decline(self, where: Where, value: str) -> Outcome:
        card = await self._volunteers.decide(where.workspace, where.person, value, False)
        return Outcome.private(card, replace=True)

    async def _form(self, where: Where, context: str) -> Form:
        """The sign-up form, once the person is on the roster (checked again when reshown)."""
        await self._volunteers.check_roster(where.workspace, where.person)
        timezone = await self._directory.timezone_of(where.workspace, where.person)
        return self._volunteers.volunteer_form(timezone)

    async def _sign_up(self, where: Where, context: str, values: FormValues) -> Outcome:
        return Outcome.private(
            await self._volunteers.sign_up(where.workspace, where.person, values)
        )
