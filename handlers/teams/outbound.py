"""Calls to the Bot Connector: paced to Teams' limits, retried when Teams says so.

The Teams SDK does not retry. Teams answers 429 (too many), 412 (a conflicting update)
and 502/504 (its own hiccups); each is retried after `Retry-After` (or a short backoff),
a few times. Every attempt first waits its turn (handlers.teams.pacing): the tenant's
budget for every call, and a conversation's own limits for a message sent there or its
members read.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpx
from microsoft_teams.common.http.client import MiddlewareContext

from bot.process.metrics import Metrics
from handlers.teams.pacing import ConnectorPacer

logger = logging.getLogger(__name__)

RETRIED = frozenset({412, 429, 502, 504})
ATTEMPTS = 4
BACKOFF_SECONDS = 1.0
LONGEST_WAIT_SECONDS = 30.0
_IN_CONVERSATION = re.compile(r"/v3/conversations/([^/?]+)/(activities|members|pagedmembers)")
# Calls made while answering a check-in click are not counted in /metrics: only a late-stage
# answer makes any (its support goes to the person's chat), so a counter moving with them
# would show a dashboard when someone chose one.
_UNCOUNTED: ContextVar[bool] = ContextVar("teams_calls_uncounted", default=False)


@contextmanager
def uncounted() -> Iterator[None]:
    """Calls to the Bot Connector made inside leave the call counters as they were."""
    token = _UNCOUNTED.set(True)
    try:
        yield
    finally:
        _UNCOUNTED.reset(token)


class PacedRetries:
    """The SDK's HTTP middleware: pacing before a call, retries after a refusal."""

    def __init__(self, metrics: Metrics, pacer: ConnectorPacer) -> None:
        self._metrics = metrics
        self._pacer = pacer

    async def send(
        self, context: MiddlewareContext, next: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        operation = _operation(context)
        for attempt in range(1, ATTEMPTS + 1):
            await self._pace(context.method, context.url)
            try:
                response = await next()
            except httpx.HTTPStatusError as refused:
                status = refused.response.status_code
                self._count(operation, str(status))
                if status not in RETRIED or attempt == ATTEMPTS:
                    raise
                wait = _retry_after(refused.response, attempt)
                logger.warning("Teams answered %s; retrying in %.1f s", status, wait)
                await asyncio.sleep(wait)
                continue
            self._count(operation, "ok")
            return response
        raise AssertionError("unreachable")

    def _count(self, operation: str, outcome: str) -> None:
        if not _UNCOUNTED.get():
            self._metrics.api_calls.labels("teams", operation, outcome).inc()

    async def _pace(self, method: str, url: str) -> None:
        path = httpx.URL(url).path
        if "/v3/" not in path:  # not the Bot Connector (a sign-in, say): Teams' limits don't apply
            return
        match = _IN_CONVERSATION.search(path)
        conversation = match.group(1) if match else None
        sending = match is not None and match.group(2) == "activities" and method != "GET"
        await self._pacer.wait_turn(conversation, reading=not sending)


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
