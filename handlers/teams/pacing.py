"""Pacing calls to the Bot Connector to Teams' limits: per tenant and per conversation.

Teams takes about 50 requests a second from one app in one tenant, every kind of call
counted, and per conversation 7 messages in 1 s, 8 in 2 s, 60 in 30 s and 1,800 in an
hour (member look-ups twice that); beyond them it answers 429 (Microsoft's "Optimize your
bot: rate limiting and best practices in Microsoft Teams",
https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).

The tenant's budget (TEAMS_CALLS_PER_SECOND) is kept in turns every replica reserves in
the database (`SendTurns`), as Slack's workspace budget is, so two or more replicas
together stay within it; each process also keeps it over the calls it actually sent, so
that calls woken late do not bunch up. A conversation's limits are kept here, per process:
calls to one conversation go one at a time, each when the ones before it leave room in
every window. Only a conversation busy from two replicas at once can meet a 429 there, and
the retry after Retry-After covers it.

Which tenant a call is for comes from `calls_for`, around the work done for a tenant (an
activity being answered, a message sent); a call made outside any counts against the
bot's own tenant (TEAMS_TENANT_ID).
"""

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from bot.ports.timing import SendTurns

Windows = tuple[tuple[float, int], ...]  # (seconds, most calls in them)
SEND_WINDOWS: Windows = ((1, 7), (2, 8), (30, 60), (3600, 1800))
READ_WINDOWS: Windows = ((1, 14), (2, 16), (30, 120), (3600, 3600))
# Spare kept on every limit for the time between a turn and the call reaching Teams, which
# varies from call to call: a conversation's windows are kept this much longer, and the
# tenant's turns are this much (as a share) further apart.
SPARE_SECONDS = 0.1
TENANT_SPARE = 0.05
# A call woken late by a busy event loop goes out close behind the next one, on time: this
# process also keeps the tenant's budget over any second of the calls it actually sent,
# with this spare (less than TENANT_SPARE leaves between turns, so steady turns never wait).
TENANT_WINDOW_SPARE = 0.02
# Conversations remembered before those quiet for QUIET_SECONDS are dropped (a dropped one
# loses only its hour's count, which matters past 1,800 messages an hour).
FORGET_AFTER = 4096
QUIET_SECONDS = 30.0

_tenant: ContextVar[str | None] = ContextVar("teams_tenant", default=None)


@contextmanager
def calls_for(tenant: str) -> Iterator[None]:
    """Calls to the Bot Connector made inside count against `tenant`'s budget."""
    token = _tenant.set(tenant or None)
    try:
        yield
    finally:
        _tenant.reset(token)


def next_slot(
    sent: deque[float], windows: Windows, now: float, spare: float = SPARE_SECONDS
) -> float:
    """When one more call fits every window, `spare` seconds longer, after the calls `sent`
    (oldest first)."""
    slot = now
    for seconds, most in windows:
        if len(sent) >= most:  # the most-th newest must have left this window
            slot = max(slot, sent[-most] + seconds + spare)
    return slot


class ConnectorPacer:
    def __init__(self, turns: SendTurns, calls_per_second: float, home_tenant: str) -> None:
        self._turns = turns
        self._interval = (1 + TENANT_SPARE) / calls_per_second
        self._tenant_window: Windows = ((1.0, max(1, int(calls_per_second))),)
        self._home_tenant = home_tenant
        self._tenant_sent: dict[str, deque[float]] = {}
        self._tenant_turns_in: dict[str, asyncio.Lock] = {}
        self._sent: dict[tuple[str, str], deque[float]] = {}  # monotonic seconds
        self._turns_in: dict[tuple[str, str], asyncio.Lock] = {}

    async def wait_turn(self, conversation: str | None, reading: bool = False) -> None:
        """Return when a call fits the tenant's budget and, for a message sent to or
        members read from `conversation`, that conversation's limits."""
        tenant = _tenant.get() or self._home_tenant
        if conversation is None:
            await self._tenant_turn(tenant)
            return
        if len(self._turns_in) > FORGET_AFTER:
            self._forget_quiet()
        # Threads of a channel ("<channel>;messageid=<root>") count as the channel.
        key = (conversation.split(";")[0], "read" if reading else "send")
        windows = READ_WINDOWS if reading else SEND_WINDOWS
        sent = self._sent.setdefault(key, deque())
        async with self._turns_in.setdefault(key, asyncio.Lock()):
            longest = windows[-1][0]
            while sent and sent[0] <= time.monotonic() - longest:
                sent.popleft()
            await _sleep_until(next_slot(sent, windows, time.monotonic()))
            await self._tenant_turn(tenant)
            sent.append(time.monotonic())

    async def _tenant_turn(self, tenant: str) -> None:
        asked = time.monotonic()  # the wait counts from when the turn was asked for
        wait = await self._turns.take(f"teams-calls:{tenant}", self._interval)
        await _sleep_until(asked + wait)
        sent = self._tenant_sent.setdefault(tenant, deque())
        async with self._tenant_turns_in.setdefault(tenant, asyncio.Lock()):
            while sent and sent[0] <= time.monotonic() - 1.0:
                sent.popleft()
            slot = next_slot(sent, self._tenant_window, time.monotonic(), TENANT_WINDOW_SPARE)
            await _sleep_until(slot)
            sent.append(time.monotonic())

    def _forget_quiet(self) -> None:
        now = time.monotonic()
        for key, lock in list(self._turns_in.items()):
            sent = self._sent.get(key)
            if not lock.locked() and (not sent or sent[-1] < now - QUIET_SECONDS):
                del self._turns_in[key]
                self._sent.pop(key, None)


async def _sleep_until(moment: float) -> None:
    if (delay := moment - time.monotonic()) > 0:
        await asyncio.sleep(delay)
