"""Button clicks, whatever the button: each answered by the Dispatcher."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.outgoing.actions import Action
from bot.services import Services
from handlers.slack.blocks import action_pattern
from handlers.slack.listeners import Listener
from handlers.slack.outcomes import show, where_of


def register_actions(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_click(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        # Nothing here is logged: for a pulse, the click's person and answer must never meet.
        chosen = Action(str(action["action_id"]).partition("#")[0])
        outcome = await services.dispatch.action(
            where_of(body), chosen, str(action.get("value", ""))
        )
        await show(outcome, services, client, body, respond)

    # One listener for every button: Bolt tries each listener's matcher in turn.
    app.action(action_pattern(Action))(on_click)
