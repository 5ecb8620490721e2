"""Calls to the Bot Connector: spaced per conversation, retried after Teams' refusals."""

from collections.abc import Awaitable, Callable

import httpx
import pytest
from microsoft_teams.common.http.client import MiddlewareContext

from bot.metrics import Metrics
from handlers.teams import outbound
from handlers.teams.outbound import PER_CONVERSATION_GAP, PacedRetries

URL = "https://smba.example/teams/v3/conversations/19:abc@thread.tacv2/activities"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sleeps the middleware asks for, recorded instead of slept."""
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(round(seconds, 4))

    monkeypatch.setattr(outbound.asyncio, "sleep", record)
    return asked


def answering(*statuses: int, retry_after: str = "0") -> Callable[[], Awaitable[httpx.Response]]:
    """A `next` that answers with these statuses in turn (raising for errors, as the SDK does)."""
    queue = list(statuses)

    async def send() -> httpx.Response:
        status = queue.pop(0)
        request = httpx.Request("POST", URL)
        response = httpx.Response(status, headers={"Retry-After": retry_after}, request=request)
        if status >= 400:
            raise httpx.HTTPStatusError("refused", request=request, response=response)
        return response

    return send


async def test_posts_to_one_conversation_are_spaced_to_seven_a_second(waits: list[float]) -> None:
    paced = PacedRetries(Metrics(), monotonic=lambda: 100.0)
    for _ in range(3):
        await paced.send(MiddlewareContext("POST", URL, {}, None), answering(200))
    other = URL.replace("19:abc", "19:other")
    await paced.send(MiddlewareContext("POST", other, {}, None), answering(200))
    gap = round(PER_CONVERSATION_GAP, 4)
    assert waits == [gap, round(2 * PER_CONVERSATION_GAP, 4)], "the third waits two slots"


async def test_a_429_is_retried_after_retry_after_and_then_succeeds(waits: list[float]) -> None:
    paced = PacedRetries(Metrics(), monotonic=lambda: 0.0)
    context = MiddlewareContext("PUT", URL + "/1", {}, None)
    response = await paced.send(context, answering(429, 200, retry_after="3"))
    assert response.status_code == 200
    assert waits == [3.0]


async def test_a_refusal_that_is_not_temporary_is_not_retried(waits: list[float]) -> None:
    paced = PacedRetries(Metrics(), monotonic=lambda: 0.0)
    with pytest.raises(httpx.HTTPStatusError):
        await paced.send(MiddlewareContext("PUT", URL + "/1", {}, None), answering(403, 200))
    assert waits == []


async def test_retries_stop_after_four_attempts(waits: list[float]) -> None:
    paced = PacedRetries(Metrics(), monotonic=lambda: 0.0)
    with pytest.raises(httpx.HTTPStatusError):
        await paced.send(
            MiddlewareContext("PUT", URL + "/1", {}, None), answering(502, 502, 504, 429)
        )
    assert len(waits) == 3
