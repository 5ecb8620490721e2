"""Peer debriefs: `/debrief` and its request form, the offer buttons, the monthly numbers."""

from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Form, FormValues
from bot.services.debrief_stats import DebriefStatsService
from bot.services.debriefs import DebriefService
from bot.services.dispatch_table import DispatchTable, Notice, Outcome, Where


class DebriefRoutes:
    def __init__(self, debriefs: DebriefService, stats: DebriefStatsService) -> None:
        self._debriefs, self._stats = debriefs, stats

    def register(self, table: DispatchTable) -> None:
        table.command(Command.DEBRIEF, "", self._ask)
        table.command(Command.DEBRIEF, "stats", self._monthly)
        table.action(Action.PULSE_DEBRIEF, self._ask_again)
        table.action(Action.DEBRIEF_AGAIN, self._ask_again)
        table.action(Action.DEBRIEF_NOT_SAFE, self._not_safe)
        table.action(Action.DEBRIEF_ACCEPT, self._accept)
        table.action(Action.DEBRIEF_PASS, self._pass)
        table.action(Action.DEBRIEF_CANCEL, self._cancel)
        table.action(Action.DEBRIEF_DONE, self._done)
        table.form(FormId.DEBRIEF, self._request_form, self._request)

    async def _ask(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome(form=self._debriefs.cards.request_form())

    async def _monthly(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(await self._stats.monthly(where.workspace, where.person))

    async def _ask_again(self, where: Where, value: str) -> Outcome:
        return Outcome(form=self._debriefs.cards.request_form())

    async def _not_safe(self, where: Where, value: str) -> Outcome:
        cards = self._debriefs.cards
        return Outcome(notice=Notice(cards.crisis_title(), cards.crisis_close(), cards.crisis()))

    async def _accept(self, where: Where, request_id: str) -> Outcome:
        card = await self._debriefs.accept(where.workspace, request_id, where.person)
        return Outcome.private(card, replace=True)

    async def _pass(self, where: Where, request_id: str) -> Outcome:
        card = await self._debriefs.pass_offer(where.workspace, request_id, where.person)
        return Outcome.private(card, replace=True)

    async def _cancel(self, where: Where, request_id: str) -> Outcome:
        card = await self._debriefs.cancel(where.workspace, request_id, where.person)
        return Outcome.private(card, replace=True)

    async def _done(self, where: Where, request_id: str) -> Outcome:
        return Outcome(public=await self._debriefs.done(where.workspace, request_id, where.person))

    async def _request_form(self, where: Where, context: str) -> Form:
        return self._debriefs.cards.request_form()

    async def _request(self, where: Where, context: str, values: FormValues) -> Outcome:
        request_id = await self._debriefs.submit(where.workspace, where.person, values)
        return Outcome(then=lambda: self._debriefs.start(request_id))
