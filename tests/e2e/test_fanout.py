"""Hundreds of channels due at one minute, against a Slack that enforces its rate limits."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bootstrap import SWEEP_JOB, start_wellspring
from bot.config.settings import Settings
from bot.domain.schedules import ScheduleKind
from tests.e2e.conftest import MovableClock, make_settings
from tests.e2e.fanout_helpers import NINE, add_checkins_at_nine
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_rate_limits import PostLimits
from tests.support.databases import POSTGRES_SKIP_REASON, fresh_postgres, postgres_base_url

CHANNELS = 300  # 1,000 run in bench/fanout.py; 300 keep `make test` short
BUDGET = 50.0
LIMITS = PostLimits(per_second=BUDGET)


@pytest.fixture
async def limited_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(post_limits=LIMITS)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert fake.protocol_errors == []


def assert_each_posted_once_within_limits(fake: FakeSlack, channels: int) -> None:
    calls = fake.calls_to("chat.postMessage")
    posted = Counter(c.params["channel"] for c in calls if c.ok)
    assert sorted(posted) == [f"C{i:05d}" for i in range(channels)], "every channel posted"
    assert set(posted.values()) == {1}, "none twice"
    assert fake.rate_limiter is not None
    assert fake.rate_limiter.limited < 0.01 * len(calls), "429s are rare"
    allowed = LIMITS.per_second + LIMITS.burst
    assert fake.rate_limiter.peak() <= allowed, "never more than the budget and its burst"


def settings(fake: FakeSlack, database_url: str) -> Settings:
    return make_settings(fake, database_url, slack_posts_per_second=BUDGET)


async def test_channels_due_together_are_each_posted_once_at_slack_s_pace(
    limited_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    app = await start_wellspring(settings(limited_slack, sqlite_database_url), clock)
    try:
        await app.scheduler.run_now(SWEEP_JOB)
        await add_checkins_at_nine(app, CHANNELS)
        clock.set(NINE + timedelta(seconds=5))
        await app.scheduler.run_now(SWEEP_JOB)
        await app.scheduler.run_now(SWEEP_JOB)  # a second sweep finds nothing left to post
    finally:
        await app.stop()
    assert_each_posted_once_within_limits(limited_slack, CHANNELS)


async def test_two_replicas_on_postgresql_share_the_work_and_the_budget(
    limited_slack: FakeSlack, clock: MovableClock
) -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with fresh_postgres(base) as url:
        apps = [await start_wellspring(settings(limited_slack, url), clock) for _ in range(2)]
        try:
            await add_checkins_at_nine(apps[0], CHANNELS)
            clock.set(NINE + timedelta(seconds=5))
            await asyncio.gather(*(app.scheduler.run_now(SWEEP_JOB) for app in apps))
        finally:
            for app in apps:
                await app.stop()
    assert_each_posted_once_within_limits(limited_slack, CHANNELS)


async def test_a_check_in_and_a_reminder_in_one_channel_go_out_a_second_apart(
    sqlite_database_url: str, clock: MovableClock
) -> None:
    fake = FakeSlack(post_limits=PostLimits(per_second=BUDGET, channel_burst=1))
    await fake.start()
    app = await start_wellspring(settings(fake, sqlite_database_url), clock)
    try:
        await app.scheduler.run_now(SWEEP_JOB)
        await add_checkins_at_nine(app, 1)
        await add_checkins_at_nine(app, 1, ScheduleKind.REMINDER)
        clock.set(NINE + timedelta(seconds=5))
        await app.scheduler.run_now(SWEEP_JOB)
    finally:
        await app.stop()
        await fake.stop()
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [200, 200], "no 429"
    assert fake.protocol_errors == []
