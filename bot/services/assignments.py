"""`/wellspring assign` and `unassign`: an admin chooses which teams' numbers each supervisor
may see (they take effect with SUPERVISOR_ASSIGNMENTS)."""

from bot.domain.admin_actions import AdminActionKind
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card
from bot.ports.platform import Messenger, Roles
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.admin_trail import AdminTrail
from bot.services.errors import BotError
from bot.services.team_access import TeamAccess
from prompts import Catalog


class AssignmentService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        catalog: Catalog,
        roles: Roles,
        messenger: Messenger,
        access: TeamAccess,
        trail: AdminTrail,
    ) -> None:
        self._uow, self._catalog, self._roles = uow, catalog, roles
        self._messenger, self._access, self._trail = messenger, access, trail

    async def assign(
        self, workspace: WorkspaceRef, admin: str, here: str | None, words: str
    ) -> Card:
        """`/wellspring assign @supervisor` in the team's channel (or `... #team` anywhere)."""
        supervisor, team = await self._read(workspace, admin, here, words)
        if not await self._roles.holds(workspace, supervisor, Role.SUPERVISOR):
            raise BotError(
                "admin.assign_not_supervisor", person=self._mention(workspace, supervisor)
            )
        async with self._uow() as uow:
            added = await uow.assignments.assign(workspace, supervisor, team)
            if added:
                await self._trail.note(uow, workspace, admin, AdminActionKind.ASSIGN,
                                       team=team, person=supervisor)  # fmt: skip
            await uow.commit()
        key = "admin.assign_done" if added else "admin.assign_already"
        return self._answer(workspace, key, supervisor, team)

    async def unassign(
        self, workspace: WorkspaceRef, admin: str, here: str | None, words: str
    ) -> Card:
        """`/wellspring unassign @supervisor` in the team's channel (or `... #team`)."""
        supervisor, team = await self._read(workspace, admin, here, words)
        async with self._uow() as uow:
            removed = await uow.assignments.unassign(workspace, supervisor, team)
            if removed:
                await self._trail.note(uow, workspace, admin, AdminActionKind.UNASSIGN,
                                       team=team, person=supervisor)  # fmt: skip
            await uow.commit()
        key = "admin.unassign_done" if removed else "admin.unassign_none"
        return self._answer(workspace, key, supervisor, team)

    async def _read(
        self, workspace: WorkspaceRef, admin: str, here: str | None, words: str
    ) -> tuple[str, str]:
        """The supervisor and the team the admin named (the team: the channel typed in)."""
        if not await self._roles.holds(workspace, admin, Role.ADMIN):
            raise BotError("admin.refuse")
        named = [word.lstrip("@#") for word in words.split()]
        if len(named) == 1 and here is not None:
            named.append(here)
        if len(named) != 2 or not all(named):
            raise BotError("admin.assign_how")
        supervisor, team = named
        return supervisor, team

    def _answer(self, workspace: WorkspaceRef, key: str, supervisor: str, team: str) -> Card:
        t = self._catalog.text
        text = t(key, person=self._mention(workspace, supervisor),
                 team=self._messenger.mention(workspace, team))  # fmt: skip
        if not self._access.assigned_only:
            text = f"{text} {t('admin.assignments_off')}"
        return Card.plain(text)

    def _mention(self, workspace: WorkspaceRef, person: str) -> str:
        return self._messenger.mention_person(workspace, person)
