"""Sending answers back into the conversation an activity came from, privately when it must be."""

from microsoft_teams.api import Account, ConversationAccount
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.models.attachment.attachment import Attachment as ActivityAttachment
from microsoft_teams.api.models.conversation.conversation_reference import ConversationReference
from microsoft_teams.apps import App
from microsoft_teams.apps.activity_send import send_or_update_activity

from bot.messages import Card, Form, Paragraph
from handlers.teams.activities import Seen
from handlers.teams.cards import CARD_CONTENT_TYPE, JSON, build_card, build_cards
from handlers.teams.people import TeamsPeople

# An Action.Execute invoke answered with a message: Teams shows it to the clicker only.
QUIET_TYPE = "application/vnd.microsoft.activity.message"


class Replies:
    def __init__(self, app: App, people: TeamsPeople) -> None:
        self._app = app
        self._people = people

    async def private(self, seen: Seen, cards: tuple[Card, ...] | list[Card]) -> None:
        """Cards only the person who acted sees: in their own chat, or targeted in a shared one."""
        await self._send(seen, build_cards(list(cards)), targeted=seen.kind != "personal")

    async def public(self, seen: Seen, card: Card) -> None:
        await self._send(seen, build_card(card), targeted=False)

    async def form_opener(self, seen: Seen, form: Form) -> None:
        """A private card whose button opens `form` as a dialog (a typed message can't)."""
        opener = open_form_card(form)
        await self._send(seen, opener, targeted=seen.kind != "personal")

    async def _send(self, seen: Seen, content: JSON, targeted: bool) -> None:
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
            conversation=ConversationAccount(id=seen.conversation),
        )
        await send_or_update_activity(self._app.api, activity, reference)


def open_form_card(form: Form) -> JSON:
    """The intro of a form and one button that opens it (Teams' task/fetch)."""
    text = form.intro or form.title
    card = build_card(Card(text=text, parts=(Paragraph(text),)))
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
    """The answer to a click whose real reply went privately elsewhere."""
    return {"statusCode": 200, "type": QUIET_TYPE, "value": text}
