"""Who is in a team's channel right now, asked of the platform and remembered briefly."""

from datetime import datetime, timedelta

from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from bot.ports.platform import Directory

REMEMBER = timedelta(minutes=1)


class ChannelMembers:
    def __init__(self, directory: Directory, clock: Clock) -> None:
        self._directory = directory
        self._clock = clock
        self._known: dict[tuple[WorkspaceRef, str], tuple[datetime, frozenset[str]]] = {}

    async def includes(self, workspace: WorkspaceRef, conversation: str, person: str) -> bool:
        """True if `person` is a member; raises what the Directory raises.

        A member is remembered for a minute; anyone else is looked up again, since they
        may just have joined. (Someone who left is still counted for up to a minute.)
        """
        now = self._clock.now()
        read_at, members = self._known.get((workspace, conversation), (None, frozenset()))
        if read_at is not None and now - read_at < REMEMBER and person in members:
            return True
        members = await self._directory.members(workspace, conversation)
        self._known[(workspace, conversation)] = (now, members)
        return person in members

    def forget(self, workspace: WorkspaceRef, conversation: str) -> None:
        """Someone left: the conversation's members are asked again next time."""
        self._known.pop((workspace, conversation), None)
