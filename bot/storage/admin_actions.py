"""SqlAdminActionLog: the admin audit trail (see bot/domain/admin_actions.py)."""

from datetime import datetime

from sqlalchemy import RowMapping, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.admin_actions import AdminAction, AdminActionKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware
from bot.storage.tables import admin_actions


class SqlAdminActionLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.recorded: list[AdminAction] = []  # shipped as audit lines once committed

    async def record(self, action: AdminAction) -> None:
        self.recorded.append(action)
        await self._session.execute(
            admin_actions.insert().values(
                id=action.id,
                workspace=action.workspace.key,
                actor=action.actor,
                kind=action.kind.value,
                team=action.team,
                person=action.person,
                acted_at=action.at,
            )
        )

    async def recent(self, workspace: WorkspaceRef, limit: int) -> list[AdminAction]:
        """Newest first."""
        query = (
            select(admin_actions)
            .where(admin_actions.c.workspace == workspace.key)
            .order_by(admin_actions.c.acted_at.desc(), admin_actions.c.id)
            .limit(limit)
        )
        return [admin_action(row._mapping, workspace) for row in await self._session.execute(query)]

    async def forget_before(self, cutoff: datetime) -> int:
        statement = delete(admin_actions).where(admin_actions.c.acted_at < cutoff)
        return affected(await self._session.execute(statement))


def admin_action(row: RowMapping, workspace: WorkspaceRef) -> AdminAction:
    """A stored row as the domain's record."""
    return AdminAction(
        row["id"],
        workspace,
        row["actor"],
        AdminActionKind(row["kind"]),
        aware(row["acted_at"]),
        row["team"],
        row["person"],
    )
