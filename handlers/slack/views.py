"""Modal submissions: a team schedule, a personal reminder."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import FormId
from bot.messages import FieldErrors
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload
from handlers.slack.events import publish_home, workspace_of
from handlers.slack.forms import read_form_values
from handlers.slack.listeners import Listener


def register_views(
    app: AsyncApp,
    services: Services,
    client: AsyncWebClient,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_schedule_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        values = read_form_values(view["state"]["values"])
        workspace, user = workspace_of(body), body["user"]["id"]
        channel = view.get("private_metadata", "")
        try:
            card = await services.schedules.create_schedule(workspace, user, channel, values)
        except FieldErrors as problems:
            await ack(response_action="errors", errors=problems.errors)
            return
        await ack()
        await client.chat_postEphemeral(
            channel=channel, user=user, text=card.text, blocks=to_payload(build_card_blocks(card))
        )

    @guard
    async def on_personal_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        values = read_form_values(view["state"]["values"])
        workspace, user = workspace_of(body), body["user"]["id"]
        try:
            await services.schedules.create_personal(workspace, user, values)
        except FieldErrors as problems:
            await ack(response_action="errors", errors=problems.errors)
            return
        await ack()
        await publish_home(client, services, workspace, user)

    app.view(FormId.SCHEDULE.value)(on_schedule_submitted)
    app.view(FormId.PERSONAL.value)(on_personal_submitted)
