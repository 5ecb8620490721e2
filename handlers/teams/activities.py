"""Reading Teams activities: who acted, in which tenant and conversation, and what they typed."""

import re
from dataclasses import dataclass
from typing import Any

from bot.domain.commands import Command
from bot.services import Where
from handlers.teams.addresses import ConversationAddress, PersonAddress, workspace_of_tenant

Activity = dict[str, Any]
_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)


@dataclass(frozen=True)
class Seen:
    """What one activity tells about where it came from."""

    where: Where
    kind: str  # channel, groupChat or personal
    conversation: str  # where replies go (a channel's thread, a chat)
    service_url: str
    person_address: PersonAddress
    conversation_address: ConversationAddress | None  # None in a personal chat
    person_name: str | None = None  # as Teams shows it; kept in memory only


def tenant_of(activity: Activity) -> str:
    """The Entra tenant an activity comes from ("" when it names none)."""
    conversation = activity.get("conversation") or {}
    channel_data = activity.get("channelData") or {}
    return str(conversation.get("tenantId") or (channel_data.get("tenant") or {}).get("id") or "")


def readable(activity: Activity) -> bool:
    """Whether an activity says who acted and where, and names one tenant if it names two."""
    sender, conversation = activity.get("from") or {}, activity.get("conversation") or {}
    if not str(sender.get("id") or "").strip() or not str(conversation.get("id") or "").strip():
        return False
    named = {
        str(tenant)
        for tenant in (
            (activity.get("conversation") or {}).get("tenantId"),
            ((activity.get("channelData") or {}).get("tenant") or {}).get("id"),
        )
        if tenant
    }
    return len(named) <= 1


def read(activity: Activity) -> Seen:
    conversation = activity.get("conversation") or {}
    channel_data = activity.get("channelData") or {}
    sender = activity.get("from") or {}
    tenant = tenant_of(activity)
    kind = conversation.get("conversationType") or "personal"
    service_url = str(activity.get("serviceUrl") or "").rstrip("/")
    timezone = _timezone(activity)
    person = sender.get("aadObjectId") or sender.get("id") or ""
    team: str | None = None
    address: ConversationAddress | None = None
    if kind == "channel":
        channel = channel_data.get("channel") or {}
        team = channel.get("id") or conversation.get("id", "").split(";")[0]
        address = ConversationAddress(service_url, team, kind, _channel_name(channel_data))
    elif kind == "groupChat":
        team = conversation.get("id")
        address = ConversationAddress(service_url, team or "", kind, conversation.get("name"))
    chat = conversation.get("id", "") if kind == "personal" else None
    person_address = PersonAddress(service_url, sender.get("id", ""), timezone, chat)
    return Seen(
        Where(workspace_of_tenant(tenant), person, team),
        kind,
        conversation.get("id", ""),
        service_url,
        person_address,
        address,
        sender.get("name"),
    )


def typed_command(text: str) -> tuple[Command | None, str]:
    """The command and the words after it, from a message typed to the bot."""
    words = _MENTION.sub(" ", text or "").strip().lstrip("/")
    first, _, rest = words.partition(" ")
    try:
        return Command(first.lower()), rest.strip()
    except ValueError:
        return None, words


def _timezone(activity: Activity) -> str | None:
    for entity in activity.get("entities") or []:
        if entity.get("type") == "clientInfo" and entity.get("timezone"):
            return str(entity["timezone"])
    return None


def _channel_name(channel_data: dict[str, Any]) -> str | None:
    """A channel as people know it: every team has a "General", so the team's name comes first."""
    channel, team = channel_data.get("channel") or {}, channel_data.get("team") or {}
    if not team.get("name"):
        return channel.get("name")
    if not channel.get("name") or channel.get("id") == team.get("id"):
        return str(team["name"])  # the General channel: its id is the team's
    return f"{team['name']} / {channel['name']}"
