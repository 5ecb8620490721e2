"""Pulses under concurrency, on SQLite and PostgreSQL: double clicks, replicas, late clicks."""

import asyncio

from bot.process.scheduling import DEADLINE_JOB
from tests.e2e.conftest import MovableClock, two_replicas
from tests.e2e.pulse_helpers import WINDOW, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.support.clicks import level_buttons
from tests.support.pulse_counts import answers_counted


async def test_racing_clicks_and_two_replicas_count_each_person_once_and_close_once(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    async with two_replicas(fake_slack, database_url, clock) as (apps, clients):
        (first, second), (to_first, to_second) = apps, clients
        post = await post_checkin(first, to_first, fake_slack)
        buttons = level_buttons(post)
        ts = post.response["ts"]
        people = [f"U0RACE{i}" for i in range(6)]
        fake_slack.members["C0TEAM"] = people
        clicks = [
            client.block_action(*buttons[level], user_id=person, message_ts=ts)
            for person in people
            for client, level in ((to_first, "early"), (to_second, "late"), (to_first, "middle"))
        ]
        replies = await asyncio.gather(*clicks)
        assert all(reply.status == 200 for reply in replies)
        await fake_slack.wait_for_response_posts(len(clicks) + 1)
        for ws in (first, second):
            assert await ws.inflight.drain(5)
        async with first.engine.connect() as conn:
            total = await answers_counted(conn)
        assert total == 6, "three racing clicks per person, one counted"
        already = [p for p in fake_slack.response_posts if "already" in p.body.get("text", "")]
        assert len(already) == 12

        clock.set(clock.now() + WINDOW)
        await asyncio.gather(*(ws.scheduler.run_now(DEADLINE_JOB) for ws in (first, second) * 2))
        assert len(fake_slack.calls_to("chat.update")) == 1, "closed by exactly one replica"
