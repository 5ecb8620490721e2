"""Which teams' numbers a supervisor may see: the channels they are in, or, when the agency
turns on SUPERVISOR_ASSIGNMENTS, only the teams an admin has assigned them."""

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable, Directory, Messenger
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.errors import BotError


class TeamAccess:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        directory: Directory,
        messenger: Messenger,
        assigned_only: bool,
    ) -> None:
        self._uow, self._directory, self._messenger = uow, directory, messenger
        self.assigned_only = assigned_only

    async def visible(self, workspace: WorkspaceRef, person: str, teams: list[str]) -> list[str]:
        """Those of `teams` whose numbers the person may see (their role is checked apart)."""
        if self.assigned_only:
            async with self._uow() as uow:
                assigned = await uow.assignments.teams_of(workspace, person)
            return [team for team in teams if team in assigned]
        mine = []
        for team in teams:
            try:
                if person in await self._directory.members(workspace, team):
                    mine.append(team)
            except ConversationUnavailable:
                continue
        return mine

    async def require(self, workspace: WorkspaceRef, person: str, team: str) -> None:
        """Refuse, saying why, unless the person may see the team's numbers."""
        if not await self.visible(workspace, person, [team]):
            key = "pulse.refuse.not_assigned" if self.assigned_only else "pulse.refuse.not_member"
            raise BotError(key, team=self._messenger.mention(workspace, team))

    async def seeing(
        self, workspace: WorkspaceRef, team: str, supervisors: frozenset[str]
    ) -> frozenset[str]:
        """Those of `supervisors` who may see the team's numbers (the admin page)."""
        if self.assigned_only:
            async with self._uow() as uow:
                return supervisors & await uow.assignments.supervisors_of(workspace, team)
        try:
            return supervisors & await self._directory.members(workspace, team)
        except ConversationUnavailable:
            return frozenset()
