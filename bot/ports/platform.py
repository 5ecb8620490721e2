"""What a chat platform's adapter implements: sending, directory, addresses, groups, roles."""

from typing import Protocol

from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Sent


def person_address_key(person: str) -> str:
    """The AddressBook key under which an adapter keeps how to reach a person."""
    return f"person:{person}"


class ConversationUnavailable(Exception):
    """The platform will not take posts there (bot removed, archived, not found)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Messenger(Protocol):
    """Sends cards on one platform."""

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        """Post to a team conversation and return the message's id.

        Raises ConversationUnavailable when the conversation is gone.
        """
        ...

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        """Replace a message this bot posted."""
        ...

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Send a file to one person, privately."""
        ...

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        """A private message to one person; raises ConversationUnavailable if they are gone."""
        ...

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        """Put these people in touch privately, each seeing `card`.

        Where the platform lets a bot open a conversation with exactly them, it does; where
        it does not, each gets `card` privately with a way to start that conversation.
        """
        ...

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        """How to name a person inside a message's text."""
        ...

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        """How to name a conversation inside a message's text."""
        ...

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        """The id of a recent post made with `card.tag == tag`, if the platform can tell.

        Asked when a replica takes over a run another left mid-send; None when not found
        (or when the platform keeps no such tag: then the run is posted again).
        """
        ...


class Directory(Protocol):
    """What the platform says about people and conversations."""

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        """Everyone in a conversation; raises ConversationUnavailable if it is gone."""
        ...

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        """The person's IANA time zone; UTC when the platform can't say."""
        ...

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        """A conversation's name as people know it; its id when the platform can't say."""
        ...


class AddressBook(Protocol):
    """Where a platform can reach a conversation or a person later, proactively.

    Addresses are the adapter's own opaque text (a Teams conversation reference, say);
    the core only keeps them. `key` names what is addressed within the workspace.
    """

    async def save(self, workspace: WorkspaceRef, key: str, address: str) -> None: ...
    async def find(self, workspace: WorkspaceRef, key: str) -> str | None: ...
    async def forget(self, workspace: WorkspaceRef, key: str) -> None: ...


class Groups(Protocol):
    """The organisation's own groups (a Slack user group, say), as the platform lists them."""

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        """The group's members; empty when the platform doesn't know the group here."""
        ...


class Roles(Protocol):
    """Who holds a role now: named in the settings, or in a group the role follows."""

    async def holders(self, workspace: WorkspaceRef, role: Role) -> frozenset[str]: ...
    async def holds(self, workspace: WorkspaceRef, person: str, role: Role) -> bool: ...
    def given(self, role: Role) -> bool:
        """False when nobody was named for the role at all (an open peer roster)."""
        ...
