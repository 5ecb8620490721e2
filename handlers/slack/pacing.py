"""Pacing chat.postMessage to Slack's limits, so a fan-out is not answered with 429s.

Slack allows about one message a second in a channel (short bursts tolerated) and a
workspace-wide rate on top. The workspace budget (SLACK_POSTS_PER_SECOND) is kept in
turns every replica reserves in the database (`SendTurns`), so two or more replicas
together stay within it. A channel's one-a-second is kept here, per process: only a
channel with several schedules at the same minute comes near it, and Slack's bursts and
the client's retry after Retry-After cover the rare case where two replicas meet there.
"""

import asyncio
import time

from bot.domain.workspaces import WorkspaceRef
from bot.ports.timing import SendTurns

# Seconds between posts to one channel: Slack's one a second, and a tenth spare for the
# time between a turn and the post reaching Slack, which varies from post to post.
CHANNEL_INTERVAL = 1.1
FORGET_AFTER = 4096  # channels remembered before those long quiet are dropped


class PostPacer:
    def __init__(self, turns: SendTurns, posts_per_second: float) -> None:
        self._turns = turns
        self._interval = 1.0 / posts_per_second
        self._channel_free: dict[tuple[str, str], float] = {}  # monotonic seconds
        self._channel_turns: dict[tuple[str, str], asyncio.Lock] = {}

    async def wait_turn(self, workspace: WorkspaceRef, channel: str) -> None:
        """Return when a post to `channel` fits both the channel's and the workspace's rate."""
        if len(self._channel_turns) > FORGET_AFTER:
            self._forget_quiet_channels()
        key = (workspace.key, channel)
        # One post at a time per channel, each a channel interval after the one before went.
        async with self._channel_turns.setdefault(key, asyncio.Lock()):
            await _sleep_until(self._channel_free.get(key, 0.0))
            # One turn per post: turns reserved ahead and then not used in time would be
            # lost to every replica.
            asked = time.monotonic()  # the wait counts from when the turn was asked for
            wait = await self._turns.take(f"posts:{workspace.key}", self._interval)
            await _sleep_until(asked + wait)
            self._channel_free[key] = time.monotonic() + CHANNEL_INTERVAL

    def _forget_quiet_channels(self) -> None:
        now = time.monotonic()
        for key, lock in list(self._channel_turns.items()):
            if not lock.locked() and self._channel_free.get(key, 0.0) < now:
                del self._channel_turns[key]
                self._channel_free.pop(key, None)


async def _sleep_until(moment: float) -> None:
    if (delay := moment - time.monotonic()) > 0:
        await asyncio.sleep(delay)
