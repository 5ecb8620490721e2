"""Only the team counts: members answer, outsiders can't pad a count, supervisors can't game it."""

import asyncio
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import (
    SUPERVISOR,
    answer,
    body_text,
    close_window,
    post_checkin,
    settle_week,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click_level

CATALOG = load_catalog()
TEAM = "C0TEAM"
LATE_SUPERVISOR = "U0NEWLEAD"  # named in SUPERVISOR_USER_IDS only after the check-in closed


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": f"{SUPERVISOR},{LATE_SUPERVISOR}"}


async def total(ws: Wellspring) -> int:
    async with ws.engine.connect() as conn:
        return int((await conn.execute(text("SELECT sum(responses) FROM pulse_counts"))).scalar())


async def test_someone_outside_the_channel_is_asked_to_join_and_is_not_counted(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members[TEAM] = ["U0MEMBER"]
    post = await post_checkin(wellspring, slack, fake_slack)

    async def early(person: str) -> str:
        return str(
            (await click_level(wellspring, slack, fake_slack, post, person, "early"))["text"]
        )

    assert await early("U0MEMBER") != CATALOG.text("pulse.not_member")
    for _ in range(3):
        assert await early("U0OUTSIDER") == CATALOG.text("pulse.not_member")
    assert await total(wellspring) == 1, "clicks from outside the team pad nothing"

    fake_slack.members[TEAM].append("U0OUTSIDER")  # they join the channel
    assert await early("U0OUTSIDER") != CATALOG.text("pulse.not_member")
    assert await total(wellspring) == 2


async def test_when_slack_cant_say_who_is_in_the_channel_the_click_is_refused_with_a_retry(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members[TEAM] = ["U0MEMBER"]
    post = await post_checkin(wellspring, slack, fake_slack)
    fake_slack.fail_next("conversations.members", error="fatal_error")
    reply = await click_level(wellspring, slack, fake_slack, post, "U0MEMBER", "early")
    assert reply["text"] == CATALOG.text("pulse.try_again")
    assert await total(wellspring) == 0


async def test_a_supervisor_who_answered_and_left_before_the_close_still_needs_one_more(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    people = [f"U0W{i}" for i in range(4)]
    fake_slack.members[TEAM] = [*people, SUPERVISOR]
    post = await post_checkin(wellspring, slack, fake_slack)
    for person in [*people, SUPERVISOR]:
        await answer(wellspring, slack, fake_slack, post, person, "early")
    fake_slack.members[TEAM].remove(SUPERVISOR)  # leaves before the window closes
    await close_window(wellspring, clock)
    await settle_week(wellspring, clock)
    fake_slack.members[TEAM].append(SUPERVISOR)  # and comes back to look
    for viewer in (SUPERVISOR, LATE_SUPERVISOR):
        fake_slack.members[TEAM].append(LATE_SUPERVISOR)
        before = len(fake_slack.response_posts)
        await slack.command("/pulse", "", user_id=viewer, channel_id=TEAM)
        [reply] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
        shown = body_text(reply.body)
        assert "5 answers" not in shown, f"{viewer} would see a group of 5 holding their own"
        assert "hidden, too few people answered" in shown


async def test_a_burst_of_clicks_asks_slack_who_is_in_the_channel_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    people = [f"U0BURST{n:02d}" for n in range(30)]
    fake_slack.members[TEAM] = people
    post = await post_checkin(wellspring, slack, fake_slack)
    before = len(fake_slack.calls_to("conversations.members"))
    replies = await asyncio.gather(
        *(click_level(wellspring, slack, fake_slack, post, p, "early") for p in people)
    )
    assert all(reply["text"] != CATALOG.text("pulse.not_member") for reply in replies)
    asked = len(fake_slack.calls_to("conversations.members")) - before
    assert asked == 1, f"{asked} look-ups for one burst: each missed click asked on its own"
    assert await total(wellspring) == len(people)
