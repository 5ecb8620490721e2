"""SqlSupervisorTeams: the teams an admin has let each supervisor see."""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, insert_once
from bot.storage.tables import supervisor_teams

_t = supervisor_teams.c


class SqlSupervisorTeams:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def assign(self, workspace: WorkspaceRef, supervisor: str, team: str) -> bool:
        """False when the supervisor could see the team already."""
        return await insert_once(
            self._session,
            supervisor_teams,
            workspace=workspace.key,
            supervisor=supervisor,
            conversation=team,
        )

    async def unassign(self, workspace: WorkspaceRef, supervisor: str, team: str) -> bool:
        """False when the supervisor was not assigned the team."""
        statement = delete(supervisor_teams).where(
            (_t.workspace == workspace.key) & (_t.supervisor == supervisor)
            & (_t.conversation == team)
        )  # fmt: skip
        return affected(await self._session.execute(statement)) > 0

    async def teams_of(self, workspace: WorkspaceRef, supervisor: str) -> frozenset[str]:
        query = select(_t.conversation).where(
            (_t.workspace == workspace.key) & (_t.supervisor == supervisor)
        )
        return frozenset((await self._session.execute(query)).scalars())

    async def supervisors_of(self, workspace: WorkspaceRef, team: str) -> frozenset[str]:
        query = select(_t.supervisor).where(
            (_t.workspace == workspace.key) & (_t.conversation == team)
        )
        return frozenset((await self._session.execute(query)).scalars())
