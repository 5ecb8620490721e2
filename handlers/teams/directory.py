"""TeamsDirectory: who is in a team's channel (the roster), time zones and names."""

import httpx
from microsoft_teams.apps import App

from bot.domain.workspaces import WorkspaceRef
from bot.ports import ConversationUnavailable
from handlers.teams.addresses import PersonAddress, TeamsAddresses

DEFAULT_TIMEZONE = "UTC"


class TeamsDirectory:
    def __init__(self, app: App, addresses: TeamsAddresses) -> None:
        self._app = app
        self._addresses = addresses

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        """Entra object ids of the members; people not seen before are remembered for DMs."""
        address = await self._addresses.conversation(workspace, conversation)
        if address is None:
            raise ConversationUnavailable("not_installed")
        api = self._app.api.clone(service_url=address.service_url)
        try:
            roster = await api.conversations.members_client.get(conversation)
        except httpx.HTTPStatusError as refused:
            if refused.response.status_code in (403, 404):
                raise ConversationUnavailable(f"http_{refused.response.status_code}") from None
            raise
        found = set()
        for member in roster:
            person = member.aad_object_id or member.id
            found.add(person)
            if self._addresses.name(workspace, person) is None:
                known = PersonAddress(
                    address.service_url, member.id, member.name, member.user_principal_name
                )
                await self._addresses.keep_person(workspace, person, known)
        return frozenset(found)

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        """The zone the person's Teams client last reported; UTC until it has."""
        address = await self._addresses.person(workspace, person)
        return address.timezone if address and address.timezone else DEFAULT_TIMEZONE

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        address = await self._addresses.conversation(workspace, conversation)
        return address.name if address and address.name else conversation
