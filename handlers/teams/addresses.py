"""Where Teams conversations and people can be reached later: conversation references, ids only.

A proactive message needs the conversation's id and the service URL Teams gave with it;
a direct message needs the person's Teams id (not their Entra object id, which is how
Wellspring names people in Teams). Both are learned from activities and team rosters.
People's names and sign-in names are never stored: they are kept in memory, as seen in
activities and rosters, and asked of Teams again when missing (see TeamsPeople).

A person's 1:1 chat with the bot is kept only inside their own address (erased with
them); the tenant's service URL, which names no one, is enough to post there again.
"""

import json
from dataclasses import asdict, dataclass, fields

from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import AddressBook, person_address_key

PLATFORM = "teams"
SERVICE_URL_KEY = "service_url"
# Teams gives a 1:1 chat with a bot an id starting "a:"; channels, group chats and meeting
# chats "19:". Other hosts of the protocol (Microsoft's Agents Playground) use bare ids.
PERSONAL_CHAT_PREFIX = "a:"
SHARED_CONVERSATION_PREFIX = "19:"


@dataclass(frozen=True)
class ConversationAddress:
    service_url: str
    conversation: str
    kind: str  # channel, groupChat or personal
    name: str | None = None  # a team's, channel's or group chat's name, never a person's


@dataclass(frozen=True)
class PersonAddress:
    service_url: str
    user: str  # the Teams id, "29:..."
    timezone: str | None = None
    chat: str | None = None  # the personal chat with the bot, once there is one


@dataclass(frozen=True)
class Profile:
    """How a person is named: held in memory only."""

    name: str | None
    upn: str | None = None


_PERSON_FIELDS = frozenset(f.name for f in fields(PersonAddress))


def workspace_of_tenant(tenant: str) -> WorkspaceRef:
    """A Microsoft 365 tenant is a Wellspring workspace."""
    return WorkspaceRef(PLATFORM, tenant)


def is_personal_chat(conversation: str) -> bool:
    return conversation.startswith(PERSONAL_CHAT_PREFIX)


def may_be_personal_chat(conversation: str) -> bool:
    """Not a Teams thread: a 1:1 chat unless the address book knows it as shared."""
    return not conversation.startswith(SHARED_CONVERSATION_PREFIX)


class TeamsAddresses:
    """The address book, plus names seen by this process (for the Messenger's mentions)."""

    def __init__(self, book: AddressBook) -> None:
        self._book = book
        self._names: dict[tuple[WorkspaceRef, str], str] = {}
        self._profiles: dict[tuple[WorkspaceRef, str], Profile] = {}
        self._service_urls: dict[WorkspaceRef, str] = {}

    def name(self, workspace: WorkspaceRef, conversation: str) -> str | None:
        """A conversation's name, if this process has seen it."""
        return self._names.get((workspace, conversation))

    def profile(self, workspace: WorkspaceRef, person: str) -> Profile | None:
        """A person's name and sign-in name, if this process has seen them."""
        return self._profiles.get((workspace, person))

    def learn_profile(self, workspace: WorkspaceRef, person: str, profile: Profile) -> None:
        known = self._profiles.get((workspace, person))
        if known is not None:
            profile = Profile(profile.name or known.name, profile.upn or known.upn)
        if profile.name or profile.upn:
            self._profiles[(workspace, person)] = profile

    def forget_profile(self, workspace: WorkspaceRef, person: str) -> None:
        self._profiles.pop((workspace, person), None)

    async def conversation(
        self, workspace: WorkspaceRef, conversation: str
    ) -> ConversationAddress | None:
        if is_personal_chat(conversation):
            return await self._personal(workspace, conversation)
        found = await self._book.find(workspace, f"conversation:{conversation}")
        if not found:
            if may_be_personal_chat(conversation):
                return await self._personal(workspace, conversation)
            return None
        address = ConversationAddress(**json.loads(found))
        if address.name:
            self._names[(workspace, conversation)] = address.name
        return address

    async def person(self, workspace: WorkspaceRef, person: str) -> PersonAddress | None:
        found = await self._book.find(workspace, person_address_key(person))
        if not found:
            return None
        stored = json.loads(found)
        return PersonAddress(**{k: v for k, v in stored.items() if k in _PERSON_FIELDS})

    async def keep_conversation(
        self, workspace: WorkspaceRef, address: ConversationAddress
    ) -> None:
        await self.keep_service_url(workspace, address.service_url)
        if address.kind == "personal":
            return  # kept in the person's own address (see `keep_person`)
        known = await self.conversation(workspace, address.conversation)
        if known is not None and address.name is None:
            address = ConversationAddress(**{**asdict(address), "name": known.name})
        if address.name:
            self._names[(workspace, address.conversation)] = address.name
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
        if address != known:  # an unchanged row is not written again
            await self._book.save(
                workspace, person_address_key(person), json.dumps(asdict(address))
            )

    async def keep_service_url(self, workspace: WorkspaceRef, service_url: str) -> None:
        """Where the tenant's 1:1 chats are reached (written only when it changes)."""
        if not service_url or await self._service_url(workspace) == service_url:
            return
        await self._book.save(workspace, SERVICE_URL_KEY, service_url)
        self._service_urls[workspace] = service_url

    async def forget_conversation(self, workspace: WorkspaceRef, conversation: str) -> None:
        await self._book.forget(workspace, f"conversation:{conversation}")

    async def _personal(
        self, workspace: WorkspaceRef, conversation: str
    ) -> ConversationAddress | None:
        """A 1:1 chat is reached at the tenant's service URL (it is not stored by its id)."""
        service_url = await self._service_url(workspace)
        if service_url is None:
            return None
        return ConversationAddress(service_url, conversation, "personal")

    async def _service_url(self, workspace: WorkspaceRef) -> str | None:
        if workspace not in self._service_urls:
            found = await self._book.find(workspace, SERVICE_URL_KEY)
            if found is None:
                return None
            self._service_urls[workspace] = found
        return self._service_urls[workspace]
