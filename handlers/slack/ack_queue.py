"""Acknowledgements before the work behind them.

Slack waits for each request's acknowledgement (3 s at most), not for a click's private
reply, which may follow within half an hour. So the work after an ack waits while other
requests are still on their way to theirs (HOLD at most): a burst of clicks is acknowledged
first and counted after, instead of each ack queueing behind the counting of the clicks
before it.
"""

import asyncio
import contextlib
import weakref
from collections.abc import Iterator

from slack_bolt.async_app import AsyncApp

HOLD = 0.25  # seconds; under steady load there may never be a quiet moment


class AckQueue:
    def __init__(self) -> None:
        self._waiting = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Around a request, from its arrival to its answer."""
        self._waiting += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._quiet.set()

    async def after_acks(self) -> None:
        """Returns once no request waits for its answer, or after HOLD."""
        if not self._quiet.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HOLD):  # no task of its own, unlike wait_for
                    await self._quiet.wait()


_QUEUES: "weakref.WeakKeyDictionary[AsyncApp, AckQueue]" = weakref.WeakKeyDictionary()


def acks_of(bolt: AsyncApp) -> AckQueue:
    """The queue of a Bolt app's requests: its HTTP route and its listeners share it."""
    if (queue := _QUEUES.get(bolt)) is None:
        queue = _QUEUES[bolt] = AckQueue()
    return queue
