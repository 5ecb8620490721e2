"""Button clicks: pulse answers and their follow-ups, schedule and reminder controls."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.actions import Action
from bot.services import Services
from handlers.slack.blocks import action_pattern
from handlers.slack.events import publish_home, workspace_of
from handlers.slack.forms import build_modal
from handlers.slack.listeners import Listener
from handlers.slack.profiles import timezone_of
from handlers.slack.replies import ephemeral


def register_actions(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_pulse(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        # Nothing here is logged: the click's person and answer must never meet in a log.
        checkin_id, _, level = str(action.get("value", "")).partition("|")
        card = await services.pulses.record(
            workspace_of(body), checkin_id, body["user"]["id"], level
        )
        await respond(**ephemeral(card))

    @guard
    async def on_pulse_debrief(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        # The offer under a late-stage answer opens the same request form as /debrief.
        await ack()
        view = build_modal(services.debriefs.cards.request_form())
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @guard
    async def on_pulse_charts(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = body["user"]["id"]
        await services.summaries.charts(workspace_of(body), user, None)

    @guard
    async def on_explain(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(**ephemeral(services.cards.explain_anonymity()))

    @guard
    async def on_schedule_control(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        await ack()
        workspace, schedule_id = workspace_of(body), action.get("value", "")
        chosen = action["action_id"].partition("#")[0]
        if chosen == Action.SCHEDULE_DELETE:
            result = await services.schedules.delete(workspace, schedule_id)
        else:
            paused = chosen == Action.SCHEDULE_PAUSE
            result = await services.schedules.set_paused(workspace, schedule_id, paused)
        channel = (body.get("channel") or {}).get("id", "")
        listing = await services.schedules.list_schedules(workspace, channel)
        await respond(**ephemeral(result, *listing, replace=True))

    @guard
    async def on_personal_add(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user = body["user"]["id"]
        form = services.schedules.personal_form(await timezone_of(client, user))
        await client.views_open(trigger_id=body["trigger_id"], view=build_modal(form))

    @guard
    async def on_personal_remove(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        workspace, user = workspace_of(body), body["user"]["id"]
        await services.schedules.delete(workspace, action.get("value", ""), owner=user)
        await publish_home(client, services, workspace, user)

    app.action(action_pattern(Action.PULSE))(on_pulse)
    app.action(action_pattern(Action.PULSE_DEBRIEF))(on_pulse_debrief)
    app.action(action_pattern(Action.PULSE_CHARTS))(on_pulse_charts)
    app.action(action_pattern(Action.EXPLAIN_ANONYMITY))(on_explain)
    for control in (Action.SCHEDULE_PAUSE, Action.SCHEDULE_RESUME, Action.SCHEDULE_DELETE):
        app.action(action_pattern(control))(on_schedule_control)
    app.action(action_pattern(Action.PERSONAL_ADD))(on_personal_add)
    app.action(action_pattern(Action.PERSONAL_REMOVE))(on_personal_remove)
