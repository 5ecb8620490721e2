"""TeamsPeople: reaching a person in their 1:1 chat, and naming them without storing names.

A mention in the core's text is a placeholder holding the person's id; just before a
message leaves, each placeholder becomes the person's name: from memory, or else asked of
the Bot Connector's members API (a restart or another replica loses nothing), or else
"a colleague" when Teams can't say.
"""

import logging
import re
from typing import Any

import httpx
from microsoft_teams.api import Account, ApiClient
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.apps import App

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from handlers.teams.addresses import PersonAddress, Profile, TeamsAddresses
from handlers.teams.cards import name_for_markdown

logger = logging.getLogger(__name__)

# Private-use characters: nothing a person types or a prompt holds, and left alone by the
# Markdown and card builders.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MENTION = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")


def mention_placeholder(person: str) -> str:
    """What the Messenger's `mention_person` returns: named when the message is sent."""
    return f"{_OPEN}{person}{_CLOSE}"


class TeamsPeople:
    def __init__(self, app: App, addresses: TeamsAddresses, someone: str) -> None:
        self._app = app
        self._addresses = addresses
        self._someone = someone

    async def fill_names(self, workspace: WorkspaceRef, content: Any) -> Any:
        """`content` (card JSON) with every mention placeholder replaced by a name."""
        if isinstance(content, str):
            if _OPEN not in content:
                return content
            pieces = _MENTION.split(content)
            for index in range(1, len(pieces), 2):  # odd pieces are the people's ids
                pieces[index] = await self._name(workspace, pieces[index])
            return "".join(pieces)
        if isinstance(content, dict):
            return {key: await self.fill_names(workspace, v) for key, v in content.items()}
        if isinstance(content, list):
            return [await self.fill_names(workspace, item) for item in content]
        return content

    async def upn(self, workspace: WorkspaceRef, person: str) -> str | None:
        """The person's sign-in name (for a link to start a chat), from memory or Teams."""
        profile = await self.profile(workspace, person)
        return profile.upn if profile else None

    async def profile(self, workspace: WorkspaceRef, person: str) -> Profile | None:
        """Name and sign-in name: from memory, else from the members of their 1:1 chat."""
        known = self._addresses.profile(workspace, person)
        if known is not None and known.name and known.upn:
            return known
        address = await self._addresses.person(workspace, person)
        if address is None:
            return known
        try:
            chat = await self.chat_with(workspace, person)
            api: ApiClient = self._app.api.clone(service_url=address.service_url)
            member = await api.conversations.get_member_by_id(chat, address.user)
        except (httpx.HTTPError, ConversationUnavailable) as failed:
            logger.warning("Teams could not say who someone is: %s", type(failed).__name__)
            return known
        self._addresses.learn_profile(
            workspace, person, Profile(member.name, member.user_principal_name)
        )
        return self._addresses.profile(workspace, person)

    async def chat_with(self, workspace: WorkspaceRef, person: str) -> str:
        """The person's 1:1 chat with the bot, started if there is none yet."""
        address = await self._addresses.person(workspace, person)
        if address is None:
            raise ConversationUnavailable("person_unknown")
        if address.chat is not None:
            return address.chat
        params = CreateConversationParams(
            members=[Account(id=address.user)],
            tenant_id=workspace.external_id,
            channel_data={"tenant": {"id": workspace.external_id}},
        )
        api: ApiClient = self._app.api.clone(service_url=address.service_url)
        created = await api.conversations.create(params)
        chat = PersonAddress(address.service_url, address.user, chat=created.id)
        await self._addresses.keep_person(workspace, person, chat)
        await self._addresses.keep_service_url(workspace, address.service_url)
        return created.id

    async def _name(self, workspace: WorkspaceRef, person: str) -> str:
        known = self._addresses.profile(workspace, person)
        if known is None or not known.name:
            known = await self.profile(workspace, person)
        return name_for_markdown(known.name) if known and known.name else self._someone
