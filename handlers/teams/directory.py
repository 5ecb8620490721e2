"""TeamsDirectory: who is in a team's channel (the roster), a team's channels, time zones."""

import logging

import httpx
from microsoft_teams.api.models.account import TeamsChannelAccount
from microsoft_teams.apps import App

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from handlers.teams.addresses import ConversationAddress, PersonAddress, Profile, TeamsAddresses
from handlers.teams.pacing import calls_for

logger = logging.getLogger(__name__)

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
        """Keep where each member can be reached privately (on install, never on a click);
        their names and sign-in names stay in memory only. When Teams won't list them (the
        bot is gone again, or the activity named a conversation Teams doesn't know), nobody
        is kept."""
        try:
            address, roster = await self._roster(workspace, conversation)
        except ConversationUnavailable as refused:
            logger.warning("Teams did not list a conversation's members: %s", refused.reason)
            return
        for member in roster:
            person = member.aad_object_id or member.id
            profile = Profile(member.name, member.user_principal_name)
            self._addresses.learn_profile(workspace, person, profile)
            known = PersonAddress(address.service_url, member.id)
            await self._addresses.keep_person(workspace, person, known)

    async def channels_of(self, workspace: WorkspaceRef, team: str) -> frozenset[str]:
        """The conversations of a team: its channels (the General channel's id is the team's).
        Only the team itself when Teams can't list them."""
        address = await self._addresses.conversation(workspace, team)
        if address is None:
            return frozenset({team})
        api = self._app.api.clone(service_url=address.service_url)
        try:
            with calls_for(workspace.external_id):
                channels = await api.teams.get_conversations(team)
        except httpx.HTTPError as failed:
            logger.warning("Teams could not list a team's channels: %s", type(failed).__name__)
            return frozenset({team})
        return frozenset({team, *(channel.id for channel in channels if channel.id)})

    async def _roster(
        self, workspace: WorkspaceRef, conversation: str
    ) -> tuple[ConversationAddress, list[TeamsChannelAccount]]:
        address = await self._addresses.conversation(workspace, conversation)
        if address is None:
            raise ConversationUnavailable("not_installed")
        api = self._app.api.clone(service_url=address.service_url)
        try:
            with calls_for(workspace.external_id):
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
