"""Where Teams conversations and people can be reached later: conversation references.

A proactive message needs the conversation's id and the service URL Teams gave with it;
a direct message needs the person's Teams id (not their Entra object id, which is how
Wellspring names people in Teams). Both are learned from activities and team rosters.
"""

import json
from dataclasses import asdict, dataclass

from bot.domain.workspaces import WorkspaceRef
from bot.ports import AddressBook, person_address_key

PLATFORM = "teams"


@dataclass(frozen=True)
class ConversationAddress:
    service_url: str
    conversation: str
    kind: str  # channel, groupChat or personal
    name: str | None = None


@dataclass(frozen=True)
class PersonAddress:
    service_url: str
    user: str  # the Teams id, "29:..."
    name: str | None = None
    upn: str | None = None
    timezone: str | None = None
    chat: str | None = None  # the personal chat with the bot, once there is one


def workspace_of_tenant(tenant: str) -> WorkspaceRef:
    """A Microsoft 365 tenant is a Wellspring workspace."""
    return WorkspaceRef(PLATFORM, tenant)


class TeamsAddresses:
    """The address book, plus the names last seen, for the Messenger's mentions (sync)."""

    def __init__(self, book: AddressBook) -> None:
        self._book = book
        self._names: dict[tuple[WorkspaceRef, str], str] = {}

    def name(self, workspace: WorkspaceRef, id_: str) -> str | None:
        """A person's or conversation's name, if this process has seen it."""
        return self._names.get((workspace, id_))

    async def conversation(
        self, workspace: WorkspaceRef, conversation: str
    ) -> ConversationAddress | None:
        found = await self._book.find(workspace, f"conversation:{conversation}")
        if not found:
            return None
        address = ConversationAddress(**json.loads(found))
        self._learn(workspace, conversation, address.name)
        return address

    async def person(self, workspace: WorkspaceRef, person: str) -> PersonAddress | None:
        found = await self._book.find(workspace, person_address_key(person))
        if not found:
            return None
        address = PersonAddress(**json.loads(found))
        self._learn(workspace, person, address.name)
        return address

    async def keep_conversation(
        self, workspace: WorkspaceRef, address: ConversationAddress
    ) -> None:
        known = await self.conversation(workspace, address.conversation)
        if known is not None and address.name is None:
            address = ConversationAddress(**{**asdict(address), "name": known.name})
        self._learn(workspace, address.conversation, address.name)
        if address != known:
            key = f"conversation:{address.conversation}"
            await self._book.save(workspace, key, json.dumps(asdict(address)))

    async def keep_person(
        self, workspace: WorkspaceRef, person: str, address: PersonAddress
    ) -> None:
        """Remember a person, keeping what an earlier look learned that this one did not."""
        known = await self.person(workspace, person)
        if known is not None:
            fresh = {k: v for k, v in asdict(address).items() if v is not None}
            address = PersonAddress(**{**asdict(known), **fresh})
        self._learn(workspace, person, address.name)
        if address != known:  # an unchanged row is not written again
            await self._book.save(
                workspace, person_address_key(person), json.dumps(asdict(address))
            )

    async def forget_conversation(self, workspace: WorkspaceRef, conversation: str) -> None:
        await self._book.forget(workspace, f"conversation:{conversation}")

    def _learn(self, workspace: WorkspaceRef, id_: str, name: str | None) -> None:
        if name:
            self._names[(workspace, id_)] = name
