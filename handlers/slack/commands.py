"""Slash command listeners: /checkin, /pulse and /debrief."""

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.commands import Command, parse_command_text
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload


def register_commands(app: AsyncApp, services: Services) -> None:
    for command in Command:
        app.command(f"/{command.value}")(_on_command(command, services))


def _on_command(command: Command, services: Services) -> Any:
    async def on_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        # Help is answered inside the acknowledgement: private, and well within 3 seconds.
        card = services.help.show_help(command, parse_command_text(body.get("text", "")))
        await ack(
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
            response_type="ephemeral",
        )

    on_command.__name__ = f"on_{command.value}"
    return on_command
