"""SlackDirectory: channel members and names, and people's time zones, from Slack's Web API."""

import logging

from slack_sdk.errors import SlackApiError

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import ConversationUnavailable
from handlers.slack.clients import SlackClients
from handlers.slack.messenger import GONE
from handlers.slack.profiles import timezone_of

logger = logging.getLogger(__name__)

PAGE = 200


class SlackDirectory:
    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        found: set[str] = set()
        cursor = ""
        client = await self._clients.for_workspace(workspace)
        try:
            while True:
                page = await client.conversations_members(
                    channel=conversation, limit=PAGE, cursor=cursor or None
                )
                found.update(page.get("members") or [])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
                if not cursor:
                    return frozenset(found)
        except SlackApiError as error:
            reason = str(error.response.get("error", ""))
            if reason in GONE:
                raise ConversationUnavailable(reason) from None
            raise

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        return await timezone_of(await self._clients.for_workspace(workspace), person)

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        """`#name` of a channel, as Slack shows it; the id if Slack won't say."""
        client = await self._clients.for_workspace(workspace)
        try:
            info = await client.conversations_info(channel=conversation)
        except SlackApiError as error:
            logger.warning("no channel name: %s", error.response.get("error"))
            return conversation
        name = (info.get("channel") or {}).get("name")
        return f"#{name}" if name else conversation


class SlackGroups:
    """Slack user groups (`usergroups:read`): roles can follow them."""

    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        client = await self._clients.for_workspace(workspace)
        try:
            found = await client.usergroups_users_list(usergroup=group)
        except SlackApiError as error:
            if error.response.get("error") == "no_such_subteam":
                return frozenset()  # a group of another workspace
            raise
        return frozenset(found.get("users") or [])
