"""The note Teams shows under a clicked button (the invoke response), to the clicker only.

It is generally available, unlike targeted messages, so it is what a click can rely on. A
short plain answer is the note itself; a longer one (buttons, support lines) goes privately
elsewhere and the note says where. Where that answer holds the crisis line, the note says
so, or carries the line itself when the answer could not be sent.
"""

from bot.outgoing.actions import Action
from bot.outgoing.messages import ButtonRow, Card, Note, Paragraph
from bot.services import Outcome
from handlers.teams.cards import plain_text
from handlers.teams.replies import Privately
from prompts import Catalog


class ClickNotes:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._fixed_line = catalog.text("safety.fixed_line")

    @property
    def crisis_line(self) -> str:
        """The fixed crisis line, which no setting changes."""
        return self._fixed_line

    @staticmethod
    def fits(outcome: Outcome) -> str | None:
        """The whole answer as a note, when it is one short plain paragraph and nothing else."""
        if len(outcome.reply) != 1 or outcome.public or outcome.form or outcome.notice:
            return None
        if outcome.refresh_home:
            return None
        [card] = outcome.reply
        match card.parts:
            case ():
                return plain_text(card.text)
            case (Paragraph(text=text),):
                return plain_text(text)
        return None

    def sent(self, action: Action, outcome: Outcome, where: Privately | None) -> str:
        """The answer went privately to `where` (None: there was nothing to send)."""
        if where is None:
            return self._counted(action, self._t("done"))
        here = where is Privately.TARGETED
        if outcome.notice is not None:  # "I'm not safe right now": the line itself, first
            more = self._t("crisis_more_here" if here else "crisis_more_in_chat")
            return f"{self._fixed_line} {more}"
        if self._holds_crisis_line(outcome):
            return self._counted(action, self._t("crisis_here" if here else "crisis_in_chat"))
        if outcome.form is not None:
            return self._t("form_here" if here else "form_in_chat")
        return self._counted(action, self._t("here" if here else "in_chat"))

    def not_sent(self, action: Action, outcome: Outcome) -> str:
        """The private answer could not be sent: the crisis line is never dropped with it."""
        if outcome.notice is not None or self._holds_crisis_line(outcome):
            return self._counted(action, f"{self._fixed_line} {self._t('crisis_not_sent')}")
        return self._counted(action, self._t("not_sent"))

    def _counted(self, action: Action, note: str) -> str:
        """A check-in answer's note opens by saying it was counted (and names no level)."""
        return f"{self._t('counted')} {note}" if action is Action.PULSE else note

    def _holds_crisis_line(self, outcome: Outcome) -> bool:
        cards: list[Card] = [*outcome.reply]
        if outcome.notice is not None:
            cards.append(outcome.notice.card)
        return any(self._fixed_line in text for card in cards for text in _texts(card))

    def _t(self, key: str) -> str:
        return self._catalog.text(f"teams.note.{key}")


def _texts(card: Card) -> list[str]:
    texts = [card.text]
    for part in card.parts:
        if isinstance(part, Paragraph | Note):
            texts.append(part.text)
        elif isinstance(part, ButtonRow):
            texts.extend(button.label for button in part.buttons)
    return texts
