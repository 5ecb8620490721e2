"""Calls to the Bot Connector: paced per conversation, retried when Teams says so.

The Teams SDK does not retry. Teams answers 429 (too many), 412 (a conflicting update)
and 502/504 (its own hiccups); each is retried after `Retry-After` (or a short backoff),
a few times. Posts to one conversation are spaced to stay under Teams' rate of about
seven messages a second per conversation.
"""

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable

import httpx
from microsoft_teams.common.http.client import MiddlewareContext

from bot.metrics import Metrics

logger = logging.getLogger(__name__)

RETRIED = frozenset({412, 429, 502, 504})
ATTEMPTS = 4
BACKOFF_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0
PER_CONVERSATION_GAP = 1 / 7
_ACTIVITY_POST = re.compile(r"/v3/conversations/([^/?]+)/activities/?(?:\?|$)")


class PacedRetries:
    """The SDK's HTTP middleware: pacing before a post, retries after a refusal."""

    def __init__(self, metrics: Metrics, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._monotonic = monotonic
        self._next_slot: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def send(
        self, context: MiddlewareContext, next: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        operation = _operation(context)
        for attempt in range(1, ATTEMPTS + 1):
            await self._pace(context)
            try:
                response = await next()
            except httpx.HTTPStatusError as refused:
                status = refused.response.status_code
                self._metrics.api_calls.labels("teams", operation, str(status)).inc()
                if status not in RETRIED or attempt == ATTEMPTS:
                    raise
                wait = _retry_after(refused.response, attempt)
                logger.warning("Teams answered %s; retrying in %.1f s", status, wait)
                await asyncio.sleep(wait)
                continue
            self._metrics.api_calls.labels("teams", operation, "ok").inc()
            return response
        raise AssertionError("unreachable")

    async def _pace(self, context: MiddlewareContext) -> None:
        match = _ACTIVITY_POST.search(context.url) if context.method == "POST" else None
        if match is None:
            return
        async with self._lock:
            now = self._monotonic()
            slot = max(now, self._next_slot.get(match.group(1), now))
            self._next_slot[match.group(1)] = slot + PER_CONVERSATION_GAP
        if slot > now:
            await asyncio.sleep(slot - now)


def _operation(context: MiddlewareContext) -> str:
    """A metrics label naming the kind of call, never a conversation or a person."""
    path = httpx.URL(context.url).path.rstrip("/")
    if "/activities" in path:
        kind = "activities"
    elif "members" in path:
        kind = "members"
    elif path.endswith("/v3/conversations"):
        kind = "conversations"
    else:
        kind = "other"
    return f"{context.method.lower()} {kind}"


def _retry_after(response: httpx.Response, attempt: int) -> float:
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        wait = BACKOFF_SECONDS * 2 ** (attempt - 1)
    return min(max(wait, 0.0), LONGEST_WAIT_SECONDS)
