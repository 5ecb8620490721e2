"""Several chat platforms in one process: each workspace is served by its own platform."""

from collections.abc import Mapping

from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Sent
from bot.ports.platform import ConversationUnavailable, Directory, Groups, Messenger


class NotServed(ConversationUnavailable):
    """A workspace of a platform this process does not run (its settings are gone)."""

    def __init__(self) -> None:
        super().__init__("platform_not_configured")


class PlatformMessenger:
    """The Messenger of each workspace's platform, chosen by `WorkspaceRef.platform`."""

    def __init__(self, by_platform: Mapping[str, Messenger]) -> None:
        self._by_platform = dict(by_platform)

    def _of(self, workspace: WorkspaceRef) -> Messenger:
        if workspace.platform not in self._by_platform:
            raise NotServed()
        return self._by_platform[workspace.platform]

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        return await self._of(workspace).post(workspace, conversation, card)

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        await self._of(workspace).update(workspace, conversation, message_id, card)

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        await self._of(workspace).send_file(workspace, person, attachment)

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        return await self._of(workspace).send_direct(workspace, person, card)

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        await self._of(workspace).connect(workspace, people, card)

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        return self._of(workspace).mention_person(workspace, person)

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        return self._of(workspace).mention(workspace, conversation)

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        return await self._of(workspace).find_posted(workspace, conversation, tag)


class PlatformDirectory:
    """The Directory of each workspace's platform."""

    def __init__(self, by_platform: Mapping[str, Directory]) -> None:
        self._by_platform = dict(by_platform)

    def _of(self, workspace: WorkspaceRef) -> Directory:
        if workspace.platform not in self._by_platform:
            raise NotServed()
        return self._by_platform[workspace.platform]

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        return await self._of(workspace).members(workspace, conversation)

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        return await self._of(workspace).timezone_of(workspace, person)

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        return await self._of(workspace).name_of(workspace, conversation)


class PlatformGroups:
    """The organisation's groups, each asked only of the platform whose settings name it
    (Slack user groups of Slack, Entra groups of Teams): any other group has no members
    there, and no platform is asked about it."""

    def __init__(
        self, by_platform: Mapping[str, Groups], named: Mapping[str, frozenset[str]]
    ) -> None:
        self._by_platform, self._named = dict(by_platform), dict(named)

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        groups = self._by_platform.get(workspace.platform)
        if groups is None or group not in self._named.get(workspace.platform, frozenset()):
            return frozenset()
        return await groups.members(workspace, group)
