"""Slash commands: /checkin, /pulse and /debrief, each answered by the Dispatcher."""

import re
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.commands import Command, parse_command_text
from bot.services import Services, Where
from bot.services.dispatch import command_words
from handlers.slack.listeners import Listener
from handlers.slack.outcomes import show, where_of
from handlers.slack.replies import ephemeral

# Answered inside the acknowledgement: no call to Slack, only the database.
_QUICK = {Command.CHECKIN: frozenset({"list", "pause", "resume"})}
# A person or channel named in an escaped command (`/wellspring erase @sam`, `/wellspring
# assign @sam #team`): the core takes the id.
_MENTION = re.compile(r"<[@#]([A-Z0-9]+)(?:\|[^>]*)?>")


def register_commands(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_command(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        command = Command(str(body["command"]).removeprefix("/"))
        text, where = _MENTION.sub(r"\1", str(body.get("text", ""))), where_of(body)
        if _quick(command, text, where):
            outcome = await services.dispatch.command(where, command, text)
            await ack(**ephemeral(*outcome.reply))
            return
        # Posting, summaries and uploads take time: acknowledge first, answer afterwards.
        await ack()
        # Slack never sends a command twice; a copy of the same signed request is a replay.
        trigger = body.get("trigger_id")
        if trigger and not await services.deliveries.record_delivery(
            where.workspace, f"command:{trigger}"
        ):
            return
        outcome = await services.dispatch.command(where, command, text)
        await show(outcome, services, client, body, respond)

    # One listener for every command: Bolt tries each listener's matcher in turn.
    names = "|".join(re.escape(command.value) for command in Command)
    app.command(re.compile(rf"^/(?:{names})$"))(on_command)


def _quick(command: Command, text: str, where: Where) -> bool:
    """Help, a channel command outside a channel, and the quick channel controls."""
    word = parse_command_text(text).word
    if word not in command_words(command):
        return True
    if command is Command.CHECKIN and where.team is None:
        return True
    return word in _QUICK.get(command, frozenset())
