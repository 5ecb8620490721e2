"""SlackMessenger: the core's Messenger on Slack's Web API."""

from slack_sdk.errors import SlackApiError

from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Sent
from bot.ports.platform import ConversationUnavailable
from handlers.slack.blocks import build_card_blocks, to_payload
from handlers.slack.clients import SlackClients
from handlers.slack.pacing import PostPacer

# Slack message metadata naming the scheduled run a post belongs to.
RUN_EVENT = "wellspring_run"
# How far back a takeover looks for a post: it happens minutes after the claim.
HISTORY_LOOKBACK = 100

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
    def __init__(self, clients: SlackClients, pacer: PostPacer) -> None:
        self._clients = clients
        self._pacer = pacer

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        """Post, in turn, and return the message's ts, its id within the conversation.

        A tagged card carries its tag as message metadata, for `find_posted`.
        """
        metadata = None
        if card.tag is not None:
            metadata = {"event_type": RUN_EVENT, "event_payload": {"run": card.tag}}
        try:
            client = await self._clients.for_workspace(workspace)
            await self._pacer.wait_turn(workspace, conversation)
            posted = await client.chat_postMessage(
                channel=conversation,
                text=card.text,
                blocks=to_payload(build_card_blocks(card)),
                metadata=metadata,
            )
        except SlackApiError as error:
            raise _unavailable_or(error) from None
        return str(posted["ts"])

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        """The ts of a recent message of ours whose metadata names `tag`."""
        client = await self._clients.for_workspace(workspace)
        try:
            history = await client.conversations_history(
                channel=conversation, include_all_metadata=True, limit=HISTORY_LOOKBACK
            )
        except SlackApiError as error:
            if str(error.response.get("error", "")) in CANNOT_TELL:
                return None
            raise
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == RUN_EVENT and (
                (metadata.get("event_payload") or {}).get("run") == tag
            ):
                return str(message["ts"])
        return None

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        client = await self._clients.for_workspace(workspace)
        await client.chat_update(
            channel=conversation,
            ts=message_id,
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
        )

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        channel = await self._direct_channel(workspace, person)
        return Sent(channel, await self.post(workspace, channel, card))

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        """A group DM with exactly these people (and the bot), opened with `card`."""
        client = await self._clients.for_workspace(workspace)
        opened = await client.conversations_open(users=",".join(people))
        await self.post(workspace, str(opened["channel"]["id"]), card)

    def mention_person(self, _workspace: WorkspaceRef, person: str) -> str:
        return f"<@{person}>"

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Upload into the person's DM with the bot (files upload v2), so only they see it."""
        channel = await self._direct_channel(workspace, person)
        client = await self._clients.for_workspace(workspace)
        await client.files_upload_v2(
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.title,
            initial_comment=attachment.comment,
            alt_txt=attachment.alt or None,
        )

    async def _direct_channel(self, workspace: WorkspaceRef, person: str) -> str:
        try:
            client = await self._clients.for_workspace(workspace)
            opened = await client.conversations_open(users=person)
        except SlackApiError as error:
            raise _unavailable_or(error) from None
        return str(opened["channel"]["id"])

    def mention(self, _workspace: WorkspaceRef, conversation: str) -> str:
        return f"<#{conversation}>"


# Without the channel-history scopes (not in the default manifest) or the channel itself,
# Slack can't say whether a post arrived: the run is then posted again.
CANNOT_TELL = GONE | {"missing_scope"}


def _unavailable_or(error: SlackApiError) -> Exception:
    reason = str(error.response.get("error", ""))
    return ConversationUnavailable(reason) if reason in GONE else error
