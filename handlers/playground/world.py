"""What each simulated person would see in chat: channel posts, private replies, direct messages."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.outgoing.messages import Attachment, Card

PRIVATE_PREFIX = "D-"
GROUP_PREFIX = "G-"


@dataclass
class Shown:
    """One message; `to` is None when everyone in the conversation sees it."""

    id: str
    conversation: str
    card: Card
    to: str | None = None
    attachment: Attachment | None = None


@dataclass
class World:
    messages: list[Shown] = field(default_factory=list)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def show(
        self,
        conversation: str,
        card: Card,
        to: str | None = None,
        attachment: Attachment | None = None,
    ) -> str:
        shown = Shown(f"m{next(self._ids)}", conversation, card, to, attachment)
        self.messages.append(shown)
        return shown.id

    def update(self, message_id: str, card: Card) -> None:
        for shown in self.messages:
            if shown.id == message_id:
                shown.card = card

    def find(self, message_id: str) -> Shown | None:
        return next((m for m in self.messages if m.id == message_id), None)

    def seen_by(self, person: str, conversation: str) -> list[Shown]:
        """The conversation as this person sees it: shared messages and theirs alone."""
        return [
            m for m in self.messages if m.conversation == conversation and m.to in (None, person)
        ]

    def group_with(self, people: list[str]) -> str:
        key = frozenset(people)
        for conversation, members in self.groups.items():
            if members == key:
                return conversation
        conversation = GROUP_PREFIX + "-".join(sorted(people))
        self.groups[conversation] = key
        return conversation

    def groups_of(self, person: str) -> list[str]:
        return [c for c, members in self.groups.items() if person in members]

    def reset(self) -> None:
        self.messages.clear()
        self.groups.clear()


def direct(person: str) -> str:
    """A person's direct conversation with Wellspring."""
    return PRIVATE_PREFIX + person
