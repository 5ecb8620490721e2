"""Sending answers back to the person who acted, privately when it must be.

In a channel or group chat, Teams has no generally available way to show a message to one
person only: targeted messages are a Microsoft developer preview. So a private answer goes
to the person's 1:1 chat with the bot, unless the agency turned targeted messages on
(TEAMS_TARGETED_MESSAGES). A click is answered in the invoke response as well (see
handlers.teams.click_notes), which only the clicker sees.
"""

from enum import StrEnum

from microsoft_teams.api import Account, ApiClient, ConversationAccount
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.api.models.attachment.attachment import Attachment as ActivityAttachment
from microsoft_teams.api.models.conversation.conversation_reference import ConversationReference
from microsoft_teams.apps import App
from microsoft_teams.apps.activity_send import send_or_update_activity

from bot.outgoing.messages import ButtonRow, Card, Form, Paragraph
from handlers.teams.activities import Seen
from handlers.teams.addresses import TeamsAddresses
from handlers.teams.cards import CARD_CONTENT_TYPE, JSON, build_card, build_cards
from handlers.teams.people import TeamsPeople

# An Action.Execute invoke answered with a message: Teams shows it to the clicker only.
QUIET_TYPE = "application/vnd.microsoft.activity.message"


class Privately(StrEnum):
    """Where a private answer went."""

    HERE = "here"  # the person's 1:1 chat with the bot, where they acted
    TARGETED = "targeted"  # the shared conversation, shown to them only (a preview feature)
    CHAT = "chat"  # their 1:1 chat with the bot, away from the shared conversation


class Replies:
    def __init__(
        self, app: App, addresses: TeamsAddresses, people: TeamsPeople, targeted: bool
    ) -> None:
        self._app = app
        self._addresses = addresses
        self._people = people
        self._targeted = targeted

    def where_private(self, seen: Seen) -> Privately:
        """Where a private answer to `seen` goes."""
        if seen.kind == "personal":
            return Privately.HERE
        return Privately.TARGETED if self._targeted else Privately.CHAT

    async def private(self, seen: Seen, cards: tuple[Card, ...] | list[Card]) -> Privately:
        """Cards only the person who acted sees."""
        return await self._private(seen, build_cards(list(cards)))

    async def form_opener(self, seen: Seen, form: Form) -> Privately:
        """A private card whose button opens `form` as a dialog (a typed message can't)."""
        return await self._private(seen, open_form_card(form))

    async def public(self, seen: Seen, card: Card) -> None:
        await self._send(seen, seen.conversation, build_card(card))

    async def _private(self, seen: Seen, content: JSON) -> Privately:
        where = self.where_private(seen)
        if where is Privately.CHAT:
            await self._send(seen, await self._personal_chat(seen), content)
        else:
            await self._send(seen, seen.conversation, content, targeted=where is Privately.TARGETED)
        return where

    async def _personal_chat(self, seen: Seen) -> str:
        """The person's 1:1 chat with the bot: as remembered, else started anew.

        A chat started here is not stored: an answer to a click must write nothing about
        the person (see TeamsListeners._remember). Teams gives the same chat each time.
        """
        workspace = seen.where.workspace
        known = await self._addresses.person(workspace, seen.where.person)
        if known is not None and known.chat is not None:
            return known.chat
        params = CreateConversationParams(
            members=[Account(id=seen.person_address.user)],
            tenant_id=workspace.external_id,
            channel_data={"tenant": {"id": workspace.external_id}},
        )
        api: ApiClient = self._app.api.clone(service_url=seen.service_url)
        created = await api.conversations.create(params)
        return created.id

    async def _send(
        self, seen: Seen, conversation: str, content: JSON, targeted: bool = False
    ) -> None:
        content = await self._people.fill_names(seen.where.workspace, content)
        activity = MessageActivityInput().add_attachments(
            ActivityAttachment(content_type=CARD_CONTENT_TYPE, content=content)
        )
        if targeted:
            activity.with_recipient(Account(id=seen.person_address.user), is_targeted=True)
        reference = ConversationReference(
            channel_id="msteams",
            service_url=seen.service_url,
            bot=Account(id=self._app.id or ""),
            conversation=ConversationAccount(id=conversation),
        )
        await send_or_update_activity(self._app.api, activity, reference)


def open_form_card(form: Form) -> JSON:
    """The form's intro, its own buttons ("I'm not safe right now") and one that opens it."""
    text = form.intro or form.title
    card = build_card(Card(text=text, parts=(Paragraph(text), ButtonRow(form.buttons))))
    card["actions"] = [
        {
            "type": "Action.Submit",
            "title": form.title,
            "style": "positive",
            "data": {
                "msteams": {"type": "task/fetch"},
                "form_id": str(form.form_id),
                "context": form.context,
            },
        }
    ]
    return card


def quiet(text: str) -> JSON:
    """The answer to a click: a short note under the button, seen by the clicker only."""
    return {"statusCode": 200, "type": QUIET_TYPE, "value": text}
