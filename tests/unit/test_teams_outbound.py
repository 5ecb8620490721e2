"""Calls to the Bot Connector: paced to Teams' limits, retried after Teams' refusals."""

from collections import deque
from collections.abc import Awaitable, Callable

import httpx
import pytest
from microsoft_teams.common.http.client import MiddlewareContext

from bot.process.metrics import Metrics
from handlers.teams import outbound
from handlers.teams.outbound import PacedRetries
from handlers.teams.pacing import SEND_WINDOWS, SPARE_SECONDS, ConnectorPacer, next_slot

URL = "https://smba.example/teams/v3/conversations/19:abc@thread.tacv2/activities"


class FreeTurns:
    """The tenant's turns, always free (their sharing is tested in test_send_turns)."""

    async def take(self, key: str, interval: float) -> float:
        return 0.0


def paced_retries() -> PacedRetries:
    return PacedRetries(Metrics(), ConnectorPacer(FreeTurns(), 50.0, "tenant"))


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


def test_a_conversation_takes_seven_messages_in_a_second_and_eight_in_two() -> None:
    sent: deque[float] = deque()
    for _ in range(7):
        sent.append(next_slot(sent, SEND_WINDOWS, 100.0))
    assert list(sent) == [100.0] * 7, "seven at once"
    eighth = next_slot(sent, SEND_WINDOWS, 100.0)
    assert eighth == 101.0 + SPARE_SECONDS, "the eighth once the first left the 1 s window"
    sent.append(eighth)
    assert next_slot(sent, SEND_WINDOWS, 101.5) == 102.0 + SPARE_SECONDS, "8 in 2 s"


def test_a_conversation_takes_sixty_messages_in_thirty_seconds() -> None:
    sent = deque(float(i) for i in range(60))  # one a second for a minute
    assert next_slot(sent, SEND_WINDOWS, 60.0) == 60.0, "the 30 s window holds only 30"
    sent = deque(i / 2 for i in range(60))  # two a second for 30 s
    assert next_slot(sent, SEND_WINDOWS, 30.0) == 30.0 + SPARE_SECONDS


async def test_a_429_is_retried_after_retry_after_and_then_succeeds(waits: list[float]) -> None:
    paced = paced_retries()
    context = MiddlewareContext("PUT", URL + "/1", {}, None)
    response = await paced.send(context, answering(429, 200, retry_after="3"))
    assert response.status_code == 200
    assert waits == [3.0]


async def test_a_refusal_that_is_not_temporary_is_not_retried(waits: list[float]) -> None:
    paced = paced_retries()
    with pytest.raises(httpx.HTTPStatusError):
        await paced.send(MiddlewareContext("PUT", URL + "/1", {}, None), answering(403, 200))
    assert waits == []


async def test_retries_stop_after_four_attempts(waits: list[float]) -> None:
    paced = paced_retries()
    with pytest.raises(httpx.HTTPStatusError):
        await paced.send(
            MiddlewareContext("PUT", URL + "/1", {}, None), answering(502, 502, 504, 429)
        )
    assert len(waits) == 3
