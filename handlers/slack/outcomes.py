"""Showing the Dispatcher's Outcome on Slack: ephemeral replies, modals, the App Home."""

from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.outgoing.actions import FormId
from bot.services import Outcome, Services, Where
from handlers.slack.blocks import build_card_blocks, to_payload
from handlers.slack.events import publish_home, workspace_of
from handlers.slack.forms import build_modal, build_notice, read_metadata
from handlers.slack.replies import ephemeral, in_conversation


def where_of(body: dict[str, Any]) -> Where:
    """Who acted and in which team channel (None in a DM or the App Home)."""
    person = body.get("user_id") or (body.get("user") or {}).get("id") or ""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    team = channel if channel.startswith(("C", "G")) else None
    return Where(workspace_of(body), str(person), team)


async def show(
    outcome: Outcome,
    services: Services,
    client: AsyncWebClient,
    body: dict[str, Any],
    respond: AsyncRespond | None,
) -> None:
    """Render an Outcome for a command or a click (which have a response_url, bar the Home)."""
    where = where_of(body)
    if outcome.reply and respond is not None and body.get("response_url"):
        await respond(**ephemeral(*outcome.reply, replace=outcome.replace))
    if outcome.public is not None and respond is not None:
        await respond(**in_conversation(outcome.public))
    if outcome.form is not None:
        await client.views_open(trigger_id=body["trigger_id"], view=build_modal(outcome.form))
    if outcome.notice is not None:
        notice = outcome.notice
        view = build_notice(notice.title, notice.close, notice.card)
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    await _home_and_then(outcome, services, client, where)


async def show_after_submit(
    outcome: Outcome, services: Services, client: AsyncWebClient, body: dict[str, Any]
) -> None:
    """A submitted modal has no response_url: a form about the channel it was opened in (a
    schedule) answers there, privately; any other, in the person's messages with Wellspring."""
    where = where_of(body)
    view = body.get("view") or {}
    form_id = FormId(str(view.get("callback_id")))
    channel = services.dispatch.opened_in(where, form_id, read_metadata(view))
    for card in outcome.reply:
        blocks = to_payload(build_card_blocks(card))
        if channel:
            await client.chat_postEphemeral(
                channel=channel, user=where.person, text=card.text, blocks=blocks
            )
        else:
            await client.chat_postMessage(channel=where.person, text=card.text, blocks=blocks)
    await _home_and_then(outcome, services, client, where)


async def _home_and_then(
    outcome: Outcome, services: Services, client: AsyncWebClient, where: Where
) -> None:
    if outcome.refresh_home:
        await publish_home(client, services, where.workspace, where.person)
    if outcome.then is not None:
        await outcome.then()
