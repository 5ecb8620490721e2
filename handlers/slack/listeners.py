"""Wraps Slack listeners: tracked for graceful shutdown, failures turned into a private reply."""

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import BotError
from bot.lifecycle import InFlight
from bot.messages import Card
from bot.metrics import Metrics
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload

logger = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[object]]


def guarded(
    services: Services, inflight: InFlight, metrics: Metrics
) -> Callable[[Listener], Listener]:
    """Decorator for listeners: once they have acked, failures reach the user privately."""

    def wrap(listener: Listener) -> Listener:
        @functools.wraps(listener)
        async def run(*args: Any, **kwargs: Any) -> None:
            respond: AsyncRespond | None = kwargs.get("respond")
            ack: AsyncAck | None = kwargs.get("ack")
            try:
                await listener(*args, **kwargs)
            except BotError as error:
                await _tell(respond, services.help.explain(error))
            except Exception as error:
                if ack is None or ack.response is None:
                    raise  # not acknowledged yet: Bolt answers Slack and logs it
                # Raised on after the ack, a quick failure would turn the 200 Bolt is about to
                # send into a 500, and the person would hear nothing. Only the kind is logged.
                metrics.errors.labels("slack_listener").inc()
                logger.error(
                    "a listener failed after acknowledging: %s",
                    type(error).__name__,
                    exc_info=error,
                )
                await _tell(respond, services.help.apologise())

        return inflight.track(run)

    return wrap


async def _tell(respond: AsyncRespond | None, card: Card) -> None:
    if respond is not None:
        await respond(
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
            response_type="ephemeral",
            replace_original=False,
        )
