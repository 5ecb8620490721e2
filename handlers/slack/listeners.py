"""Wraps Slack listeners: tracked for graceful shutdown, BotError turned into a private reply."""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import BotError
from bot.lifecycle import InFlight
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload

logger = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[object]]


def guarded(services: Services, inflight: InFlight) -> Callable[[Listener], Listener]:
    """Decorator for listeners that have already acked: failures reach the user privately."""

    def wrap(listener: Listener) -> Listener:
        @functools.wraps(listener)
        async def run(*args: Any, **kwargs: Any) -> None:
            respond: AsyncRespond | None = kwargs.get("respond")
            try:
                await listener(*args, **kwargs)
            except BotError as error:
                if respond is not None:
                    card = services.help.explain(error)
                    await respond(
                        text=card.text,
                        blocks=to_payload(build_card_blocks(card)),
                        response_type="ephemeral",
                        replace_original=False,
                    )

        return inflight.track(run)

    return wrap
