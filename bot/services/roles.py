"""Who holds each role: the ids in the settings, plus the members of the groups a role follows.

Group members are asked of the platform and remembered for a few minutes, so a change in the
organisation takes effect without a restart; the platform's event about a group makes it take
effect at once (`forget`).
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from bot.ports.platform import Groups

logger = logging.getLogger(__name__)

REMEMBER = timedelta(minutes=5)
STALE = datetime.min.replace(tzinfo=UTC)


class RoleBook:
    def __init__(
        self,
        ids: Mapping[Role, frozenset[str]],
        groups: Mapping[Role, frozenset[str]],
        directory: Groups,
        clock: Clock,
    ) -> None:
        self._ids, self._groups = dict(ids), dict(groups)
        self._directory, self._clock = directory, clock
        self._known: dict[tuple[WorkspaceRef, str], tuple[datetime, frozenset[str]]] = {}

    def given(self, role: Role) -> bool:
        return bool(self._ids.get(role) or self._groups.get(role))

    async def holds(self, workspace: WorkspaceRef, person: str, role: Role) -> bool:
        return person in await self.holders(workspace, role)

    async def holders(self, workspace: WorkspaceRef, role: Role) -> frozenset[str]:
        found = set(self._ids.get(role, frozenset()))
        for group in sorted(self._groups.get(role, frozenset())):
            found |= await self._members(workspace, group)
        return frozenset(found)

    def forget(self, workspace: WorkspaceRef) -> None:
        """The organisation changed a group here: ask again next time (keeping the members
        known so far, should the platform not answer)."""
        for key, (_, members) in list(self._known.items()):
            if key[0] == workspace:
                self._known[key] = (STALE, members)

    async def _members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        now = self._clock.now()
        read_at, members = self._known.get((workspace, group), (None, frozenset()))
        if read_at is not None and now - read_at < REMEMBER:
            return members
        try:
            members = await self._directory.members(workspace, group)
        except Exception:
            # Keep what was known rather than take everyone's role away on a hiccup.
            logger.warning("a role's group could not be read; the last known members stand")
            return members
        self._known[(workspace, group)] = (now, members)
        return members
