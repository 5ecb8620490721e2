"""Wraps Slack listeners: acked first, the rest tracked for shutdown, failures answered privately.

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

from bot.outgoing.messages import Card
from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.services import Services
from bot.services.errors import BotError
from handlers.slack.ack_queue import AckQueue
from handlers.slack.blocks import build_card_blocks, to_payload

logger = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[object]]


class _WatchedAck:
    """Bolt's ack, with a future done once it has been called (answered or failed), or once
    the listener ended without calling it."""

    def __init__(self, ack: AsyncAck, acks: AckQueue) -> None:
        self._ack, self._acks = ack, acks
        self.called: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def settle(self, *_: object) -> None:
        if not self.called.done():
            self.called.set_result(None)

    async def __call__(self, *args: Any, **kwargs: Any) -> object:
        try:
            answered = await self._ack(*args, **kwargs)
        finally:
            self.settle()
        await self._acks.after_acks()  # the rest of the listener, once the burst is acked
        return answered

    @property
    def answered(self) -> bool:
        return self._ack.response is not None


def guarded(
    services: Services, inflight: InFlight, metrics: Metrics, acks: AckQueue
) -> Callable[[Listener], Listener]:
    """Decorator for listeners: failures after the ack reach the user privately, and the log;
    the work after an ack waits for the acks of the requests under way (ack_queue.py)."""

    def wrap(listener: Listener) -> Listener:
        async def run(*args: Any, **kwargs: Any) -> None:
            respond: AsyncRespond | None = kwargs.get("respond")
            ack: _WatchedAck | None = kwargs.get("ack")
            try:
                await listener(*args, **kwargs)
            except BotError as error:
                await _tell(respond, services.help.explain(error))
            except Exception as error:
                if ack is None or not ack.answered:
                    raise  # not acknowledged: Bolt answers Slack, or the event's failure is logged
                # Slack has its 200; the person hears that something went wrong, and the log
                # has the failure's kind and frames, never its message.
                metrics.errors.labels("slack_listener").inc()
                logger.error(
                    "a listener failed after acknowledging: %s",
                    type(error).__name__,
                    exc_info=error,
                )
                await _tell(respond, services.help.apologise())

        tracked = inflight.track(run)

        @functools.wraps(listener)
        async def acked_first(*args: Any, **kwargs: Any) -> None:
            ack: AsyncAck | None = kwargs.get("ack")
            watched = None if ack is None else _WatchedAck(ack, acks)
            if watched is not None:
                kwargs["ack"] = watched
            work = asyncio.ensure_future(tracked(*args, **kwargs))
            if watched is not None:  # an event is acked by Bolt once this returns
                work.add_done_callback(watched.settle)
                await watched.called  # the ack, or the end of a listener that never acked
            if work.done():
                work.result()  # a failure before the ack goes to Bolt's error handler
            else:
                work.add_done_callback(functools.partial(_log_failure, metrics))

        return acked_first

    return wrap


async def _tell(respond: AsyncRespond | None, card: Card) -> None:
    if respond is not None:
        await respond(
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
            response_type="ephemeral",
            replace_original=False,
        )


def _log_failure(metrics: Metrics, work: "asyncio.Future[None]") -> None:
    """A failure that went on after the listener returned to Bolt (an event's work)."""
    if work.cancelled() or (error := work.exception()) is None:
        return
    metrics.errors.labels("slack_listener").inc()
    logger.error("listener failed after its ack: %s", type(error).__name__, exc_info=error)
