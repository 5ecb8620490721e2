"""Modal submissions: a team schedule, a personal reminder."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import FormId
from bot.messages import FieldErrors, FormValues
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload
from handlers.slack.events import publish_home, workspace_of
from handlers.slack.forms import read_form_values
from handlers.slack.listeners import Listener

T = TypeVar("T")


def register_views(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_schedule_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        workspace, user = workspace_of(body), body["user"]["id"]
        channel = view.get("private_metadata", "")
        save = services.schedules.create_schedule(workspace, user, channel, _values(view))
        if (card := await saved_or_flagged(ack, save)) is not None:
            blocks = to_payload(build_card_blocks(card))
            await client.chat_postEphemeral(
                channel=channel, user=user, text=card.text, blocks=blocks
            )

    @guard
    async def on_personal_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        workspace, user = workspace_of(body), body["user"]["id"]
        save = services.schedules.create_personal(workspace, user, _values(view))
        if await saved_or_flagged(ack, save) is not None:
            await publish_home(client, services, workspace, user)

    app.view(FormId.SCHEDULE.value)(on_schedule_submitted)
    app.view(FormId.PERSONAL.value)(on_personal_submitted)


def _values(view: dict[str, Any]) -> FormValues:
    return read_form_values(view["state"]["values"])


async def saved_or_flagged(ack: AsyncAck, save: Awaitable[T]) -> T | None:
    """Ack a submission: field errors stay in the modal; otherwise close it and return."""
    try:
        result = await save
    except FieldErrors as problems:
        await ack(response_action="errors", errors=problems.errors)
        return None
    await ack()
    return result
