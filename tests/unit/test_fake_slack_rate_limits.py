"""The fake Slack's chat.postMessage limits, through the real slack_sdk client."""

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_rate_limits import PostLimits, PostRateLimiter

pytestmark = pytest.mark.filterwarnings("ignore:The top-level `text` argument:UserWarning")


class StoppedClock:
    """Monotonic seconds that move only when the test moves them."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> StoppedClock:
    return StoppedClock()


@pytest.fixture
async def fake(clock: StoppedClock) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(post_limits=PostLimits(per_second=5, burst=4, channel_burst=2))
    assert fake.rate_limiter is not None
    fake.rate_limiter.clock = clock
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


async def test_a_channel_takes_a_short_burst_then_429_with_retry_after(
    fake: FakeSlack, client: AsyncWebClient, clock: StoppedClock
) -> None:
    for _ in range(2):
        await client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C1", text="hi")
    assert refused.value.response.status_code == 429
    assert refused.value.response["error"] == "ratelimited"
    assert refused.value.response.headers["Retry-After"] == "1"
    await client.chat_postMessage(channel="C2", text="another channel is not limited")
    clock.now += 1.0
    await client.chat_postMessage(channel="C1", text="a second later, one more fits")
    assert fake.rate_limiter is not None and fake.rate_limiter.limited == 1
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [200, 200, 429, 200, 200]


async def test_the_workspace_budget_spans_channels(
    fake: FakeSlack, client: AsyncWebClient, clock: StoppedClock
) -> None:
    for channel in ("C1", "C2", "C3", "C4"):
        await client.chat_postMessage(channel=channel, text="hi")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C5", text="the fifth at once is over the burst")
    assert refused.value.response.status_code == 429
    clock.now += 0.2  # one token a fifth of a second
    await client.chat_postMessage(channel="C5", text="hi")
    assert fake.rate_limiter is not None and fake.rate_limiter.limited == 1


async def test_other_methods_are_not_limited(fake: FakeSlack, client: AsyncWebClient) -> None:
    for _ in range(10):
        await client.chat_postEphemeral(channel="C1", user="U1", text="hi")
    assert fake.rate_limiter is not None and fake.rate_limiter.attempts == []


def test_refused_calls_use_no_tokens_and_retry_after_rounds_up() -> None:
    clock = StoppedClock()
    limiter = PostRateLimiter(PostLimits(per_second=0.25, burst=1), clock)
    assert limiter.admit("T", "C1") is None
    assert limiter.admit("T", "C2") == 4, "a token every 4 s"
    clock.now += 3.5
    assert limiter.admit("T", "C2") == 1, "half a second left is one whole second"
    clock.now += 0.5
    assert limiter.admit("T", "C2") is None


def test_peak_counts_calls_in_the_busiest_window() -> None:
    clock = StoppedClock()
    limiter = PostRateLimiter(PostLimits(), clock)
    for step in (0.0, 0.3, 0.6, 0.95, 1.2, 3.0):
        clock.now = 100 + step
        limiter.admit("T", f"C{step}")
    assert limiter.peak() == 4
    assert limiter.peak(window=0.5) == 2


async def test_history_finds_a_post_by_its_metadata_only_when_asked(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    tag = {"event_type": "run", "event_payload": {"key": "abc"}}
    await client.chat_postMessage(channel="C1", text="first", metadata=tag)
    await client.chat_postMessage(channel="C1", text="second")
    found = await client.conversations_history(channel="C1", include_all_metadata=True, limit=5)
    assert [m["text"] for m in found["messages"]] == ["second", "first"]
    assert found["messages"][1]["metadata"] == tag
    plain = await client.conversations_history(channel="C1", limit=1)
    assert [m["text"] for m in plain["messages"]] == ["second"] and plain["has_more"]
    assert "metadata" not in str(plain["messages"])
