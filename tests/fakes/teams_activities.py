"""Teams-shaped incoming activities, as Teams posts them to a bot's messaging endpoint."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiohttp

from tests.fakes.teams_connector import personal_conversation_id

APP_ID = "5d8e2c41-7a3b-4f06-9c1e-2b7f0a9d4e63"  # the bot's Entra app (client) id in tests
TENANT_ID = "8b1f4e2a-3c5d-4e6f-a7b8-c9d0e1f2a3b4"
BOT_NAME = "Wellspring"
ConversationType = Literal["channel", "personal", "groupChat"]


def _stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "wellspring-tests/" + "/".join(parts)))


def _token(*parts: str, length: int = 32) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


@dataclass(frozen=True)
class Person:
    """A Teams user: the ids Teams puts in `from`, and the roster entry the connector returns."""

    name: str
    id: str  # "29:..." (the bot-facing user id)
    aad_object_id: str  # Entra object id: what SUPERVISOR_USER_IDS lists
    upn: str
    email: str
    tenant_id: str = TENANT_ID
    timezone: str = "America/Chicago"

    @classmethod
    def named(
        cls, name: str, *, tenant_id: str = TENANT_ID, timezone: str = "America/Chicago"
    ) -> Person:
        """A person with ids derived from the name (the same name gives the same ids)."""
        login = ".".join(name.lower().split()) + "@agency.example.org"
        return cls(
            name=name,
            id="29:1" + _token("user", tenant_id, name, length=40),
            aad_object_id=_stable_uuid("aad", tenant_id, name),
            upn=login,
            email=login,
            tenant_id=tenant_id,
            timezone=timezone,
        )

    def sender(self) -> dict[str, Any]:
        """The `from` of an activity this person caused."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def account(self) -> dict[str, Any]:
        """The TeamsChannelAccount the connector lists for this person (for `rosters`)."""
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": given,
            "surname": surname,
            "email": self.email,
            "userPrincipalName": self.upn,
            "tenantId": self.tenant_id,
            "userRole": "user",
        }


@dataclass(frozen=True)
class Team:
    """A team: its id is the id of its General channel, as in Teams."""

    name: str
    id: str
    aad_group_id: str
    tenant_id: str = TENANT_ID

    @classmethod
    def named(cls, name: str, *, tenant_id: str = TENANT_ID) -> Team:
        team_id = f"19:{_token('team', tenant_id, name)}@thread.tacv2"
        return cls(name, team_id, _stable_uuid("group", tenant_id, name), tenant_id)

    def channel_id(self, channel: str = "General") -> str:
        """The id of a channel of this team (General's is the team's id)."""
        if channel == "General":
            return self.id
        return f"19:{_token('channel', self.id, channel)}@thread.tacv2"

    def details(self) -> dict[str, Any]:
        """What GET /v3/teams/{id} answers (for FakeBotConnector.teams)."""
        return {"id": self.id, "name": self.name, "aadGroupId": self.aad_group_id}


@dataclass(frozen=True)
class Place:
    """Where an activity happens: a team channel, a personal chat or a group chat."""

    type: ConversationType
    conversation_id: str
    tenant_id: str = TENANT_ID
    team: Team | None = None
    channel_name: str = "General"

    @classmethod
    def channel(cls, team: Team, channel: str = "General") -> Place:
        return cls("channel", team.channel_id(channel), team.tenant_id, team, channel)

    @classmethod
    def personal(cls, person: Person) -> Place:
        """The person's 1:1 chat with the bot (the id the fake connector also creates)."""
        return cls("personal", personal_conversation_id(person.id), person.tenant_id)

    @classmethod
    def group_chat(cls, name: str = "Night shift", *, tenant_id: str = TENANT_ID) -> Place:
        return cls("groupChat", f"19:{_token('chat', tenant_id, name)}@thread.v2", tenant_id)

    def conversation(self, root_id: str | None = None) -> dict[str, Any]:
        """The activity's `conversation`; in a channel, a thread's id names its root message."""
        out: dict[str, Any] = {"conversationType": self.type, "tenantId": self.tenant_id}
        if self.type != "personal":
            out["isGroup"] = True
        out["id"] = (
            f"{self.conversation_id};messageid={root_id}" if root_id else self.conversation_id
        )
        return out

    def channel_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"tenant": {"id": self.tenant_id}}
        if self.team is not None:
            data["teamsChannelId"] = self.conversation_id
            data["teamsTeamId"] = self.team.id
            data["channel"] = {"id": self.conversation_id, "name": self.channel_name}
            data["team"] = {"id": self.team.id, "name": self.team.name}
            data["team"]["aadGroupId"] = self.team.aad_group_id
        return data


@dataclass
class TeamsActivities:
    """Builds the activities Teams would send; `now` gives their timestamps."""

    service_url: str
    app_id: str = APP_ID
    bot_name: str = BOT_NAME
    locale: str = "en-US"
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id}"

    def bot_account(self) -> dict[str, Any]:
        return {"id": self.bot_id, "name": self.bot_name}

    # -- messages ----------------------------------------------------------------------

    def message(
        self, sender: Person, text: str, place: Place, *, mention: bool | None = None
    ) -> dict[str, Any]:
        """A message to the bot; in a channel or group chat it @mentions the bot by default."""
        mention = place.type != "personal" if mention is None else mention
        activity_id = self._message_id()
        at = f"<at>{self.bot_name}</at>"
        full = f"{at} {text}" if mention else text
        root = activity_id if place.type == "channel" else None  # a new post starts a thread
        activity = self._base("message", sender, place, activity_id, root)
        activity.update(text=full, textFormat="plain")
        # Teams also sends the message as HTML; a bot should read `text`.
        html = f"<p>{at + ' ' if mention else ''}{escape(text)}</p>"
        activity["attachments"] = [{"contentType": "text/html", "content": html}]
        if mention:
            activity["entities"].append(
                {"type": "mention", "text": at, "mentioned": self.bot_account()}
            )
        return activity

    def channel_message(
        self, sender: Person, text: str, team: Team, channel: str = "General"
    ) -> dict[str, Any]:
        return self.message(sender, text, Place.channel(team, channel))

    def personal_message(self, sender: Person, text: str) -> dict[str, Any]:
        return self.message(sender, text, Place.personal(sender))

    def group_message(self, sender: Person, text: str, chat: Place | None = None) -> dict[str, Any]:
        return self.message(sender, text, chat or Place.group_chat())

    # -- invokes -----------------------------------------------------------------------

    def card_action(
        self,
        sender: Person,
        place: Place,
        verb: str,
        data: dict[str, Any] | None = None,
        *,
        reply_to_id: str,
    ) -> dict[str, Any]:
        """A click on an Action.Execute button of the card posted as activity `reply_to_id`."""
        activity = self._invoke("adaptiveCard/action", sender, place, reply_to_id)
        action = {"type": "Action.Execute", "verb": verb, "data": dict(data or {})}
        activity["value"] = {"action": action, "trigger": "manual"}
        return activity

    def task_fetch(
        self,
        sender: Person,
        place: Place,
        data: dict[str, Any] | None = None,
        *,
        reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        """A request to open a dialog (from a card button whose data asks for task/fetch)."""
        activity = self._invoke("task/fetch", sender, place, reply_to_id)
        activity["value"] = {"data": dict(data or {}), "context": {"theme": "default"}}
        return activity

    def task_submit(
        self,
        sender: Person,
        place: Place,
        data: dict[str, Any],
        *,
        reply_to_id: str | None = None,
    ) -> dict[str, Any]:
        """A dialog's submitted inputs (merged with the submit action's data, as Teams does)."""
        activity = self._invoke("task/submit", sender, place, reply_to_id)
        activity["value"] = {"data": dict(data), "context": {"theme": "default"}}
        return activity

    # -- installs ----------------------------------------------------------------------

    def bot_added(self, by: Person, place: Place) -> dict[str, Any]:
        """conversationUpdate with the bot in membersAdded (install into a team or chat)."""
        activity = self._base("conversationUpdate", by, place, self._event_id())
        activity["membersAdded"] = [{"id": self.bot_id}]
        if place.team is not None:
            activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def bot_removed(self, by: Person, place: Place) -> dict[str, Any]:
        """conversationUpdate with the bot in membersRemoved (uninstall)."""
        activity = self._base("conversationUpdate", by, place, self._event_id())
        activity["membersRemoved"] = [{"id": self.bot_id}]
        if place.team is not None:
            activity["channelData"]["eventType"] = "teamMemberRemoved"
        return activity

    def team_installed(self, by: Person, team: Team) -> dict[str, Any]:
        return self.bot_added(by, Place.channel(team))

    def team_uninstalled(self, by: Person, team: Team) -> dict[str, Any]:
        return self.bot_removed(by, Place.channel(team))

    def installation_update(
        self, by: Person, place: Place, action: Literal["add", "remove"] = "add"
    ) -> dict[str, Any]:
        """installationUpdate for any scope (Teams sends it beside conversationUpdate)."""
        activity = self._base("installationUpdate", by, place, self._event_id())
        activity["action"] = action
        return activity

    def personal_installed(self, person: Person) -> dict[str, Any]:
        return self.installation_update(person, Place.personal(person), "add")

    def personal_uninstalled(self, person: Person) -> dict[str, Any]:
        return self.installation_update(person, Place.personal(person), "remove")

    def group_installed(self, by: Person, chat: Place | None = None) -> dict[str, Any]:
        return self.installation_update(by, chat or Place.group_chat(), "add")

    def group_uninstalled(self, by: Person, chat: Place | None = None) -> dict[str, Any]:
        return self.installation_update(by, chat or Place.group_chat(), "remove")

    # -- shared fields -----------------------------------------------------------------

    def _invoke(
        self, name: str, sender: Person, place: Place, reply_to_id: str | None
    ) -> dict[str, Any]:
        root = reply_to_id if place.type == "channel" else None
        activity = self._base("invoke", sender, place, self._event_id(), root)
        activity["name"] = name
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return activity

    def _base(
        self,
        kind: str,
        sender: Person,
        place: Place,
        activity_id: str,
        root_id: str | None = None,
    ) -> dict[str, Any]:
        now = self.now().astimezone(UTC)
        local = now.astimezone(ZoneInfo(sender.timezone))
        client_info = {
            "type": "clientInfo",
            "locale": self.locale,
            "country": self.locale.rpartition("-")[2] or "US",
            "platform": "Web",
            "timezone": sender.timezone,
        }
        return {
            "type": kind,
            "id": activity_id,
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "localTimestamp": local.isoformat(timespec="milliseconds"),
            "localTimezone": sender.timezone,
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": sender.sender(),
            "conversation": place.conversation(root_id),
            "recipient": self.bot_account(),
            "entities": [client_info],
            "channelData": place.channel_data(),
            "locale": self.locale,
        }

    def _message_id(self) -> str:
        return str(1_764_500_000_000 + next(self._seq))  # Teams message ids: epoch ms

    def _event_id(self) -> str:
        return f"f:{_token('event', str(next(self._seq)), str(uuid.uuid4()), length=20)}"


@dataclass
class TeamsResponse:
    """What the app answered to one activity."""

    status: int
    body: Any  # the JSON body, or None when there was none


class TeamsClient:
    """Posts activities to the app's /api/messages, as Teams' Bot Connector would."""

    def __init__(self, base_url: str, *, token: str | None = None) -> None:
        self.url = base_url.rstrip("/") + "/api/messages"
        self.token = token
        self._session: aiohttp.ClientSession | None = None

    async def send(self, activity: dict[str, Any], *, token: str | None = None) -> TeamsResponse:
        """POST the activity; `token` (or the client's) goes in `Authorization: Bearer`."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {}
        if bearer := token or self.token:
            headers["Authorization"] = f"Bearer {bearer}"
        async with self._session.post(self.url, json=activity, headers=headers) as response:
            raw = (await response.read()).decode()
            try:
                body = json.loads(raw) if raw.strip() else None
            except ValueError:
                body = raw
            return TeamsResponse(response.status, body)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> TeamsClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
