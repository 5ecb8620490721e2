"""The core's Messenger and Directory for the playground: messages land in the World."""

from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Sent
from bot.ports.platform import ConversationUnavailable
from handlers.playground import agency
from handlers.playground.world import World, direct


class PlaygroundMessenger:
    def __init__(self, world: World) -> None:
        self._world = world

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        return self._world.show(conversation, card)

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        self._world.update(message_id, card)

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        card = Card.plain(attachment.comment or attachment.title)
        self._world.show(direct(person), card, attachment=attachment)

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        if agency.person(person) is None:
            raise ConversationUnavailable("person_unknown")
        conversation = direct(person)
        return Sent(conversation, self._world.show(conversation, card))

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        self._world.show(self._world.group_with(people), card)

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        found = agency.person(person)
        return found.name if found else person

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        found = agency.team(conversation)
        return found.name if found else conversation

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        """None: the playground runs as one process, so no replica ever takes over its runs."""
        return None


class PlaygroundDirectory:
    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        if agency.team(conversation) is None:
            raise ConversationUnavailable("channel_not_found")
        return agency.members(conversation)

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        found = agency.person(person)
        return found.timezone if found else "UTC"

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        found = agency.team(conversation)
        return found.name if found else conversation
