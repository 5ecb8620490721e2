"""Modal submissions, whatever the form: field errors stay in the modal."""

import re
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.outgoing.actions import FormId
from bot.outgoing.messages import FieldErrors
from bot.services import Services
from handlers.slack.forms import read_form_values, read_metadata
from handlers.slack.listeners import Listener
from handlers.slack.outcomes import show_after_submit, where_of


def register_views(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form_id = FormId(str(view.get("callback_id")))
        values = read_form_values(view["state"]["values"])
        try:
            outcome = await services.dispatch.submit(
                where_of(body), form_id, read_metadata(view), values
            )
        except FieldErrors as problems:
            await ack(response_action="errors", errors=problems.errors)
            return
        await ack()  # the modal closes; what follows may take a while
        await show_after_submit(outcome, services, client, body)

    # One listener for every form: Bolt tries each listener's matcher in turn.
    names = "|".join(re.escape(form_id.value) for form_id in FormId)
    app.view(re.compile(rf"^(?:{names})$"))(on_submitted)
