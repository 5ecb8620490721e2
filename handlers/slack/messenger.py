"""SlackMessenger: the core's Messenger on Slack's Web API."""

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.workspaces import WorkspaceRef
from bot.messages import Card
from bot.ports import ConversationUnavailable
from handlers.slack.blocks import build_card_blocks, to_payload

# Errors after which posting to a conversation cannot succeed until a person acts.
GONE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "not_allowed"}
)


class SlackMessenger:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> None:
        try:
            await self._client.chat_postMessage(
                channel=conversation, text=card.text, blocks=to_payload(build_card_blocks(card))
            )
        except SlackApiError as error:
            reason = str(error.response.get("error", ""))
            if reason in GONE:
                raise ConversationUnavailable(reason) from None
            raise

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> None:
        opened = await self._client.conversations_open(users=person)
        await self.post(workspace, str(opened["channel"]["id"]), card)

    def mention(self, conversation: str) -> str:
        return f"<#{conversation}>"
