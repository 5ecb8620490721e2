"""Slash commands: /checkin (now, schedule, list, pause, resume) and /pulse (summaries)."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.commands import Command, parse_command_text
from bot.messages import Card
from bot.services import Services
from handlers.slack.events import workspace_of
from handlers.slack.forms import build_modal
from handlers.slack.listeners import Listener
from handlers.slack.profiles import timezone_of
from handlers.slack.replies import ephemeral


def register_commands(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_pulse(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        typed = parse_command_text(body.get("text", ""))
        if typed.word not in _PULSE_WORDS:
            await ack(**ephemeral(services.help.show_help(Command.PULSE, typed)))
            return
        # Membership lookups and uploads take time: acknowledge first, answer afterwards.
        await ack()
        workspace, person = workspace_of(body), body["user_id"]
        channel = body.get("channel_id", "")
        team = channel if channel.startswith(("C", "G")) else None
        summaries = services.summaries
        if typed.word == "audit":
            card = await summaries.audit(workspace, person)
        elif typed.word == "export":
            card = await summaries.export(workspace, person)
        elif typed.word == "chart":
            card = await summaries.charts(workspace, person, team)
        elif team is not None:
            card = await summaries.team_summary(workspace, person, team)
        else:
            card = await summaries.overview(workspace, person)
        await respond(**ephemeral(card))

    @guard
    async def on_checkin(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        typed = parse_command_text(body.get("text", ""))
        workspace, channel = workspace_of(body), body.get("channel_id", "")
        if typed.word not in _CHANNEL_WORDS:
            await ack(**ephemeral(services.help.show_help(Command.CHECKIN, typed)))
            return
        if not channel.startswith(("C", "G")):
            await ack(**ephemeral(services.help.use_in_channel()))
            return
        if typed.word == "schedule":
            await ack()
            timezone = await timezone_of(client, body["user_id"])
            form = services.schedules.schedule_form(channel, timezone)
            await client.views_open(trigger_id=body["trigger_id"], view=build_modal(form))
        elif typed.word == "list":
            await ack(**ephemeral(*await services.schedules.list_schedules(workspace, channel)))
        elif typed.word in ("pause", "resume"):
            paused = typed.word == "pause"
            card = await services.schedules.set_all_paused(workspace, channel, paused)
            await ack(**ephemeral(card))
        else:
            # Posting can be slow (rate limits): acknowledge first, confirm afterwards.
            await ack()
            confirmation: Card = await services.posting.post_checkin_now(workspace, channel)
            await respond(**ephemeral(confirmation))

    app.command("/checkin")(on_checkin)
    app.command(f"/{Command.PULSE.value}")(on_pulse)


_CHANNEL_WORDS = frozenset({"now", "schedule", "list", "pause", "resume"})
_PULSE_WORDS = frozenset({"", "audit", "export", "chart"})
