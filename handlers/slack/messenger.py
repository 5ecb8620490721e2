"""SlackMessenger: the core's Messenger on Slack's Web API."""

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.workspaces import WorkspaceRef
from bot.messages import Attachment, Card, Sent
from bot.ports import ConversationUnavailable
from handlers.slack.blocks import build_card_blocks, to_payload

# Errors after which posting to a conversation cannot succeed until a person acts.
GONE = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "restricted_action",
        "not_allowed",
        # The person left or was deactivated.
        "user_not_found",
        "user_disabled",
        "account_inactive",
        "cannot_dm_bot",
    }
)


class SlackMessenger:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        """Post and return the message's ts, its id within the conversation."""
        try:
            posted = await self._client.chat_postMessage(
                channel=conversation, text=card.text, blocks=to_payload(build_card_blocks(card))
            )
        except SlackApiError as error:
            raise _unavailable_or(error) from None
        return str(posted["ts"])

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        await self._client.chat_update(
            channel=conversation,
            ts=message_id,
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
        )

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        channel = await self._direct_channel(person)
        return Sent(channel, await self.post(workspace, channel, card))

    async def open_group(self, workspace: WorkspaceRef, people: list[str]) -> str:
        opened = await self._client.conversations_open(users=",".join(people))
        return str(opened["channel"]["id"])

    def mention_person(self, person: str) -> str:
        return f"<@{person}>"

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Upload into the person's DM with the bot (files upload v2), so only they see it."""
        await self._client.files_upload_v2(
            channel=await self._direct_channel(person),
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.title,
            initial_comment=attachment.comment,
        )

    async def _direct_channel(self, person: str) -> str:
        try:
            opened = await self._client.conversations_open(users=person)
        except SlackApiError as error:
            raise _unavailable_or(error) from None
        return str(opened["channel"]["id"])

    def mention(self, conversation: str) -> str:
        return f"<#{conversation}>"


def _unavailable_or(error: SlackApiError) -> Exception:
    reason = str(error.response.get("error", ""))
    return ConversationUnavailable(reason) if reason in GONE else error
