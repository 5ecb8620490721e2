"""Who may set up a team's schedule (its members) and who may pause or delete one: its
creator, that team's supervisors, admins."""

from bot.domain.roles import Role
from bot.domain.schedules import Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable, Directory, Roles
from bot.services.errors import BotError


class ScheduleRights:
    def __init__(self, roles: Roles, directory: Directory) -> None:
        self._roles = roles
        self._directory = directory

    async def check(self, workspace: WorkspaceRef, person: str, schedules: list[Schedule]) -> None:
        """Raise a private refusal unless `person` may change every one of `schedules`."""
        for schedule in schedules:
            if not await self._may_change(workspace, person, schedule):
                raise BotError("schedules.not_yours")

    async def check_member(self, workspace: WorkspaceRef, person: str, conversation: str) -> None:
        """Raise a private refusal unless `person` is in `conversation` (asked of the platform
        at each submit: a form's context alone proves nothing about who may act there)."""
        try:
            members = await self._directory.members(workspace, conversation) if conversation else ()
        except ConversationUnavailable:
            members = ()
        if person not in members:
            raise BotError("schedules.not_member")

    async def _may_change(self, workspace: WorkspaceRef, person: str, schedule: Schedule) -> bool:
        if person == schedule.owner or await self._roles.holds(workspace, person, Role.ADMIN):
            return True
        if not await self._roles.holds(workspace, person, Role.SUPERVISOR):
            return False
        try:
            team = await self._directory.members(workspace, schedule.conversation or "")
        except ConversationUnavailable:
            return False
        return person in team
