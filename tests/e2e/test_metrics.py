"""/metrics after real traffic: latency per route template, scheduler lag, open-work gauges."""

import asyncio
import time
from datetime import timedelta

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bootstrap import SWEEP_JOB, Wellspring
from bot.process.scheduling import DEADLINE_JOB
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import ask, sign_up
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

# The wall clock's and the monotonic clock's readings may differ by a tick.
CLOCK_GRAIN = 0.01
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(ws: Wellspring) -> Samples:
    """Every sample on the operator's /metrics, by name and labels."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{ws.metrics_url}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_each_route_gets_a_latency_histogram_labelled_by_its_template(
    wellspring: Wellspring, slack: SignedSlackClient
) -> None:
    for _ in range(3):
        assert (await slack.command("/checkin", "help", user_id="U0SECRETPERSON")).status == 200
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{wellspring.url}/healthz") as health:
            assert health.status == 200
        async with session.get(f"{wellspring.url}/nothing/U0SECRETPERSON") as missing:
            assert missing.status == 404
    samples = await scrape(wellspring)
    events = "/slack/events"
    assert value(samples, "wellspring_request_duration_seconds_count", route=events) == 3
    assert (
        value(samples, "wellspring_request_duration_seconds_bucket", route=events, le="+Inf") == 3
    )
    assert value(samples, "wellspring_request_duration_seconds_sum", route=events) > 0
    assert value(samples, "wellspring_request_duration_seconds_count", route="/healthz") == 1
    assert value(samples, "wellspring_request_duration_seconds_count", route="unmatched") == 1
    labels = {v for (_, pairs) in samples for _, v in pairs}
    assert not [label for label in labels if "U0SECRETPERSON" in label or "C0TEAM" in label]


async def test_open_checkins_and_pending_offers_are_counted_when_scraped(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    before = await scrape(wellspring)
    assert value(before, "wellspring_open_checkins") == 0
    assert value(before, "wellspring_pending_debrief_offers") == 0
    await post_checkin(wellspring, slack, fake_slack)
    await post_checkin(wellspring, slack, fake_slack, channel="C0SOUTH")
    for peer in ("U0PEERA", "U0PEERB"):
        await sign_up(wellspring, slack, fake_slack, peer)
    await ask(wellspring, slack, fake_slack, "U0ASKER")
    busy = await scrape(wellspring)
    assert value(busy, "wellspring_open_checkins") == 2
    assert value(busy, "wellspring_pending_debrief_offers") == 1  # one peer is asked at a time
    clock.set(clock.now() + timedelta(days=1))  # windows close, the offer runs out
    await wellspring.scheduler.run_now(DEADLINE_JOB)
    assert await wellspring.inflight.drain(5)
    later = await scrape(wellspring)
    assert value(later, "wellspring_open_checkins") == 0


async def test_scheduler_lag_is_observed_for_each_wake_up_by_kind_of_job(
    wellspring: Wellspring,
) -> None:
    # Start-up wakes the catch-up jobs at once; wake the sweep once more and wait for it.
    before = await scrape(wellspring)
    started = value(before, "wellspring_scheduler_lag_seconds_count", job=SWEEP_JOB)
    lag_before = value(before, "wellspring_scheduler_lag_seconds_sum", job=SWEEP_JOB)
    woken = time.monotonic()
    wellspring.scheduler.wake_now(SWEEP_JOB)
    for _ in range(200):
        samples = await scrape(wellspring)
        if value(samples, "wellspring_scheduler_lag_seconds_count", job=SWEEP_JOB) > started:
            break
        # APScheduler fires on the wall clock, which a test cannot move: wait for it.
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the sweep's wake-up was never observed")
    waited = time.monotonic() - woken
    # Woken "now", the sweep cannot have started later than we waited for it: a lag in the
    # wrong unit, from the wrong planned time, or added twice lands outside this.
    lag = value(samples, "wellspring_scheduler_lag_seconds_sum", job=SWEEP_JOB) - lag_before
    assert 0 <= lag <= waited + CLOCK_GRAIN, (lag, waited)
    jobs = {dict(pairs).get("job") for (name, pairs) in samples if "scheduler_lag" in name}
    assert DEADLINE_JOB in jobs
