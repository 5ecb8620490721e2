"""Wraps Slack listeners: acked first, the rest tracked for shutdown, BotError answered privately.

Bolt runs with `process_before_response=True`, so it answers Slack as soon as a listener
returns. A guarded listener returns once it has called `ack()` (or at once, for events Bolt
acks itself) and goes on in a task of its own: Bolt's other mode polls for the ack every 10 ms.
"""

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.errors import BotError
from bot.lifecycle import InFlight
from bot.metrics import Metrics
from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload

logger = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[object]]


def guarded(
    services: Services, inflight: InFlight, metrics: Metrics
) -> Callable[[Listener], Listener]:
    """Decorator for listeners: failures after the ack reach the user privately, and the log."""

    def wrap(listener: Listener) -> Listener:
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

        tracked = inflight.track(run)

        @functools.wraps(listener)
        async def acked_first(*args: Any, **kwargs: Any) -> None:
            ack: AsyncAck | None = kwargs.get("ack")
            acked = asyncio.Event()

            async def ack_and_tell(*ack_args: Any, **ack_kwargs: Any) -> object:
                try:
                    return await ack(*ack_args, **ack_kwargs)  # type: ignore[misc]
                finally:
                    acked.set()

            if ack is None:  # an event: Bolt acks it once this returns
                acked.set()
            else:
                kwargs["ack"] = ack_and_tell
            work = asyncio.ensure_future(tracked(*args, **kwargs))
            if not acked.is_set():
                told = asyncio.ensure_future(acked.wait())
                await asyncio.wait((work, told), return_when=asyncio.FIRST_COMPLETED)
                told.cancel()
            if work.done():
                work.result()  # a failure before the ack goes to Bolt's error handler
            else:
                work.add_done_callback(functools.partial(_log_failure, metrics))

        return acked_first

    return wrap


def _log_failure(metrics: Metrics, work: "asyncio.Future[None]") -> None:
    if work.cancelled() or (error := work.exception()) is None:
        return
    metrics.errors.labels("slack_listener").inc()
    logger.error("listener failed after its ack: %s", type(error).__name__, exc_info=error)
