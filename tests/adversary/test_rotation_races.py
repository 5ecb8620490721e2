"""Adversary: one person's clicks reach two replicas that hold different secrets, at once.

README, *The pulse secret*: "A click marks the person under every secret the replica knows,
so two replicas that share a secret always recognise each other's clicks", and a team's
month keeps one secret for its period markers, "even for two clicks at the same moment"
(bot/storage/pulse_periods.py). tests/e2e/test_secret_rotation.py clicks one replica after
the other; here each person double-clicks on both replicas at the same instant, at every
step of the documented rotation, so the markers of one click are being written while the
other's look for them. A person counted twice in a check-in, or twice in a counted week,
would be the attack's success.
"""

import asyncio

import pytest

from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import LEVELS, post_checkin, settle_week
from tests.e2e.test_secret_rotation import NEW, OLD, answers_in_each_check_in, replicas, weeks
from tests.fakes.slack_api import FakeSlack
from tests.support.clicks import level_buttons

CATALOG = load_catalog()
PEOPLE = [f"U0ROTRACE{i:02d}" for i in range(10)]
STEPS = {
    "phase-1-half-done": (f"{OLD},{NEW}", OLD),
    "phase-2-half-done": (f"{NEW},{OLD}", f"{OLD},{NEW}"),
    "old-being-removed": (NEW, f"{NEW},{OLD}"),
}


@pytest.mark.parametrize("step", list(STEPS))
async def test_simultaneous_clicks_on_replicas_mid_rotation_count_each_person_once(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, step: str
) -> None:
    async with replicas(fake_slack, database_url, clock, *STEPS[step]) as pair:
        (first, to_first), (_second, to_second) = pair
        fake_slack.members["C0TEAM"] = list(PEOPLE)
        for _check_in in range(2):  # the month's markers are made in the first one
            post = await post_checkin(first, to_first, fake_slack)
            buttons, ts = level_buttons(post), post.response["ts"]
            before = len(fake_slack.response_posts)
            clicks = [
                client.block_action(*buttons[LEVELS[n % 4]], user_id=person, message_ts=ts)
                for person in PEOPLE
                for n, client in enumerate((to_first, to_second, to_second, to_first))
            ]
            assert all(r.status == 200 for r in await asyncio.gather(*clicks))
            posts = await fake_slack.wait_for_response_posts(before + len(clicks))
            for ws, _ in pair:
                assert await ws.inflight.drain(10)
            replies = [p.body.get("text", "") for p in posts[before:]]
            already = replies.count(CATALOG.text("pulse.already_answered"))
            assert already == len(clicks) - len(PEOPLE), f"{step}: counted {replies}"
        await settle_week(first, clock)
        assert await answers_in_each_check_in(first) == [len(PEOPLE)] * 2, step
        for week, counted, people in await weeks(first):
            assert not counted or people == len(PEOPLE), f"{step}: {week} counts {people}"
