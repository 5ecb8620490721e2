"""TeamsDirectory: who is in a team's channel (the roster), time zones and names."""

import httpx
from microsoft_teams.api.models.account import TeamsChannelAccount
from microsoft_teams.apps import App

from bot.domain.workspaces import WorkspaceRef
from bot.ports import ConversationUnavailable
from handlers.teams.addresses import ConversationAddress, PersonAddress, TeamsAddresses

DEFAULT_TIMEZONE = "UTC"


class TeamsDirectory:
    def __init__(self, app: App, addresses: TeamsAddresses) -> None:
        self._app = app
        self._addresses = addresses

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        """Entra object ids of the members. Writes nothing: it runs while people click."""
        _, roster = await self._roster(workspace, conversation)
        return frozenset(member.aad_object_id or member.id for member in roster)

    async def remember_roster(self, workspace: WorkspaceRef, conversation: str) -> None:
        """Keep where each member can be reached privately (on install, never on a click)."""
        address, roster = await self._roster(workspace, conversation)
        for member in roster:
            known = PersonAddress(
                address.service_url, member.id, member.name, member.user_principal_name
            )
            await self._addresses.keep_person(workspace, member.aad_object_id or member.id, known)

    async def _roster(
        self, workspace: WorkspaceRef, conversation: str
    ) -> tuple[ConversationAddress, list[TeamsChannelAccount]]:
        address = await self._addresses.conversation(workspace, conversation)
        if address is None:
            raise ConversationUnavailable("not_installed")
        api = self._app.api.clone(service_url=address.service_url)
        try:
            return address, await api.conversations.members_client.get(conversation)
        except httpx.HTTPStatusError as refused:
            if refused.response.status_code in (403, 404):
                raise ConversationUnavailable(f"http_{refused.response.status_code}") from None
            raise

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        """The zone the person's Teams client last reported; UTC until it has."""
        address = await self._addresses.person(workspace, person)
        return address.timezone if address and address.timezone else DEFAULT_TIMEZONE

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        address = await self._addresses.conversation(workspace, conversation)
        return address.name if address and address.name else conversation
