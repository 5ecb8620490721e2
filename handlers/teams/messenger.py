"""TeamsMessenger: the core's Messenger on the Bot Connector, proactively, by stored address."""

import logging
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from microsoft_teams.api import Account, ConversationAccount
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment as ActivityAttachment
from microsoft_teams.api.models.conversation.conversation_reference import ConversationReference
from microsoft_teams.apps import App
from microsoft_teams.apps.activity_send import send_or_update_activity

from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Note, Paragraph, Sent
from bot.ports.platform import ConversationUnavailable
from handlers.teams.addresses import TeamsAddresses
from handlers.teams.cards import (
    CARD_CONTENT_TYPE,
    JSON,
    build_card,
    build_image_card,
    build_text_file_card,
    name_for_markdown,
)
from handlers.teams.pacing import calls_for
from handlers.teams.people import TeamsPeople, mention_placeholder
from prompts import Catalog

logger = logging.getLogger(__name__)

# The Bot Connector's answers after which posting there can't work until a person acts.
GONE = frozenset({403, 404})
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0?users="


@dataclass(frozen=True)
class PairWords:
    """What Teams adds to a debrief pair's introduction, which each gets in their own chat."""

    open_chat: str  # the button's label
    each_with_link: str  # the line above that button
    each: str  # the line when no link can be made

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> "PairWords":
        return cls(
            catalog.text("debriefs.teams.open_chat"),
            catalog.text("teams.pair.each_with_link"),
            catalog.text("teams.pair.each"),
        )


class TeamsMessenger:
    def __init__(
        self, app: App, addresses: TeamsAddresses, people: TeamsPeople, pair: PairWords
    ) -> None:
        self._app = app
        self._addresses = addresses
        self._people = people
        self._pair = pair

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        return await self._send(workspace, conversation, build_card(card))

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        await self._send(workspace, conversation, build_card(card), message_id)

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        chat = await self._chat_with(workspace, person)
        return Sent(chat, await self.post(workspace, chat, card))

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Charts as an image inside a card; exports as text to copy (Teams takes no bot files)."""
        chat = await self._chat_with(workspace, person)
        if attachment.filename.endswith(".png"):
            content = build_image_card(
                attachment.title, attachment.content, attachment.alt or attachment.comment
            )
        else:
            content = build_text_file_card(attachment.title, attachment.comment, attachment.content)
        await self._send(workspace, chat, content)

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        """Teams lets no bot open a chat for two: each gets `card` in their own chat, saying so,
        and a link to start one."""
        upns = [upn for person in people if (upn := await self._people.upn(workspace, person))]
        linked = len(upns) == len(people)
        each = Note(self._pair.each_with_link if linked else self._pair.each)
        parts = (*(card.parts or (Paragraph(card.text),)), each)
        content = build_card(Card(text=card.text, parts=parts, tag=card.tag))
        if linked:
            link = CHAT_LINK + ",".join(quote(upn) for upn in upns)
            content["actions"] = [
                {"type": "Action.OpenUrl", "title": self._pair.open_chat, "url": link}
            ]
        for person in people:
            chat = await self._chat_with(workspace, person)
            await self._send(workspace, chat, content)

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        """A placeholder, named as the message is sent (see TeamsPeople.fill_names)."""
        return mention_placeholder(person)

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        return name_for_markdown(self._addresses.name(workspace, conversation) or conversation)

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        """None: a bot cannot read a Teams conversation back without Graph permissions."""
        return None

    async def _send(
        self,
        workspace: WorkspaceRef,
        conversation: str,
        content: JSON,
        message_id: str | None = None,
    ) -> str:
        address = await self._addresses.conversation(workspace, conversation)
        if address is None:
            raise ConversationUnavailable("not_installed")
        content = await self._people.fill_names(workspace, content)
        activity = MessageActivityInput().add_attachments(
            ActivityAttachment(content_type=CARD_CONTENT_TYPE, content=content)
        )
        if message_id is not None:
            activity.id = message_id
        reference = ConversationReference(
            channel_id="msteams",
            service_url=address.service_url,
            bot=Account(id=self._bot_id()),
            conversation=ConversationAccount(id=conversation),
        )
        try:
            with calls_for(workspace.external_id):
                sent = await send_or_update_activity(self._app.api, activity, reference)
        except httpx.HTTPStatusError as refused:
            if refused.response.status_code in GONE:
                raise ConversationUnavailable(f"http_{refused.response.status_code}") from None
            raise
        return sent.id

    async def _chat_with(self, workspace: WorkspaceRef, person: str) -> str:
        with calls_for(workspace.external_id):
            return await self._people.chat_with(workspace, person)

    def _bot_id(self) -> str:
        return self._app.id or ""
