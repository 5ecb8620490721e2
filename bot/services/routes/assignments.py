"""Which supervisor sees which team: `/wellspring assign` and `unassign`, for admins."""

from bot.domain.commands import Command, CommandText
from bot.services.assignments import AssignmentService
from bot.services.dispatch_table import DispatchTable, Outcome, Where


class AssignmentRoutes:
    def __init__(self, assignments: AssignmentService) -> None:
        self._assignments = assignments

    def register(self, table: DispatchTable) -> None:
        table.command(Command.WELLSPRING, "assign", self._assign)
        table.command(Command.WELLSPRING, "unassign", self._unassign)

    async def _assign(self, where: Where, typed: CommandText) -> Outcome:
        """In the team's conversation, or naming the team anywhere (so is `unassign`)."""
        workspace, person, team = where.workspace, where.person, where.team
        return Outcome.private(await self._assignments.assign(workspace, person, team, typed.rest))

    async def _unassign(self, where: Where, typed: CommandText) -> Outcome:
        workspace, person, team = where.workspace, where.person, where.team
        card = await self._assignments.unassign(workspace, person, team, typed.rest)
        return Outcome.private(card)
