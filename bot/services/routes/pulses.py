"""Pulses and what supervisors see of them: the pulse buttons, `/pulse` and its words, a
supervisor's teams on their App Home."""

from bot.domain.commands import Command, CommandText
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action
from bot.outgoing.messages import Card
from bot.services.admin_trail import AdminTrailPages
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.placement_prompts import PlacementPrompts
from bot.services.pulses import PulseService
from bot.services.summaries import SummaryService


class PulseRoutes:
    def __init__(
        self,
        pulses: PulseService,
        summaries: SummaryService,
        placement_prompts: PlacementPrompts,
        trail: AdminTrailPages,
    ) -> None:
        self._pulses, self._summaries = pulses, summaries
        self._placement_prompts, self._trail = placement_prompts, trail

    def register(self, table: DispatchTable) -> None:
        table.command(Command.PULSE, "", self._summary)
        table.command(Command.PULSE, "audit", self._audit)
        table.command(Command.PULSE, "export", self._export)
        table.command(Command.PULSE, "chart", self._chart)
        table.action(Action.PULSE, self._answer)
        table.action(Action.PULSE_CHARTS, self._charts_button)
        table.home_section(self._dashboard)

    async def _summary(self, where: Where, typed: CommandText) -> Outcome:
        """The team's summary in its conversation; elsewhere, every team one may see."""
        workspace, person, summaries = where.workspace, where.person, self._summaries
        if where.team is not None:
            return Outcome.private(await summaries.team_summary(workspace, person, where.team))
        overview = await summaries.overview(workspace, person)
        # Placements show as one count, never more (see PlacementPrompts.count_line).
        counts = await self._placement_prompts.count_line(workspace, person)
        return Outcome.private(overview, *counts)

    async def _audit(self, where: Where, typed: CommandText) -> Outcome:
        if typed.rest.lower() == "export":
            return Outcome.private(*await self._audit_export(where.workspace, where.person))
        return Outcome.private(await self._summaries.audit(where.workspace, where.person))

    async def _audit_export(self, workspace: WorkspaceRef, person: str) -> list[Card]:
        """Supervisors get the looks at their teams' numbers; admins, the admin actions (an
        admin who is also a supervisor, both files)."""
        if not await self._trail.is_admin(workspace, person):
            return [await self._summaries.audit_export(workspace, person)]
        cards = [await self._trail.export(workspace, person)]
        if await self._summaries.is_supervisor(workspace, person):
            cards.append(await self._summaries.audit_export(workspace, person))
        return cards

    async def _export(self, where: Where, typed: CommandText) -> Outcome:
        return Outcome.private(await self._summaries.export(where.workspace, where.person))

    async def _chart(self, where: Where, typed: CommandText) -> Outcome:
        charts = await self._summaries.charts(where.workspace, where.person, where.team)
        return Outcome.private(charts)

    async def _answer(self, where: Where, value: str) -> Outcome:
        # Nothing is logged here: the click's person and answer must never meet in a log.
        checkin_id, _, level = value.partition("|")
        card = await self._pulses.record(where.workspace, checkin_id, where.person, level)
        return Outcome.private(card)

    async def _charts_button(self, where: Where, value: str) -> Outcome:
        return Outcome.private(await self._summaries.charts(where.workspace, where.person, None))

    async def _dashboard(self, where: Where) -> list[Card]:
        return await self._summaries.dashboard(where.workspace, where.person)
