"""Who is in a team's channel right now, asked of the platform and remembered briefly."""

import asyncio
from datetime import datetime, timedelta

from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from bot.ports.platform import Directory

REMEMBER = timedelta(minutes=1)

Key = tuple[WorkspaceRef, str]


class ChannelMembers:
    def __init__(self, directory: Directory, clock: Clock) -> None:
        self._directory = directory
        self._clock = clock
        self._known: dict[Key, tuple[datetime, frozenset[str]]] = {}
        self._reading: dict[Key, asyncio.Task[frozenset[str]]] = {}

    async def includes(self, workspace: WorkspaceRef, conversation: str, person: str) -> bool:
        """True if `person` is a member; raises what the Directory raises.

        A member is remembered for a minute; anyone else is looked up again, since they
        may just have joined. (Someone who left is still counted for up to a minute.)
        Clicks that miss together share one look-up: a burst of clicks when the minute is
        over asks the platform once, not once per click.
        """
        key = (workspace, conversation)
        read_at, members = self._known.get(key, (None, frozenset()))
        if read_at is not None and self._clock.now() - read_at < REMEMBER and person in members:
            return True
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read(key))
            self._reading[key] = reading
        return person in await asyncio.shield(reading)

    async def _read(self, key: Key) -> frozenset[str]:
        try:
            now = self._clock.now()
            members = await self._directory.members(*key)
            self._known[key] = (now, members)
            return members
        finally:
            del self._reading[key]

    def forget(self, workspace: WorkspaceRef, conversation: str) -> None:
        """Someone left: the conversation's members are asked again next time."""
        self._known.pop((workspace, conversation), None)
