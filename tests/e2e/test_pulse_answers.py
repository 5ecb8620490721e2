"""Answering a check-in: counted once, a private reply fitted to the level, closed on time."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock, make_settings
from tests.e2e.pulse_helpers import (
    LEVELS,
    SUPERVISOR,
    WINDOW,
    answer,
    body_text,
    close_window,
    post_checkin,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import level_buttons


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR, "support_resources_text": "EAP: call 0800 123 456"}


async def _counts(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(text("SELECT level, responses FROM pulse_counts"))
        return {level: responses for level, responses in rows}


async def _scalar(ws: Wellspring, sql: str) -> Any:
    async with ws.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def test_second_click_on_same_checkin_is_not_counted_even_on_another_level(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    await answer(wellspring, slack, fake_slack, post, "U0ALICE", "early")
    again = await answer(wellspring, slack, fake_slack, post, "U0ALICE", "late")
    assert again["response_type"] == "ephemeral"
    assert "already answered" in body_text(again)
    assert await _counts(wellspring) == {"early": 1, "middle": 0, "late": 0, "beyond": 0}


async def test_each_level_gets_its_own_private_acknowledgement(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    acks = {
        level: await answer(wellspring, slack, fake_slack, post, f"U0P{i}", level)
        for i, level in enumerate(LEVELS)
    }
    assert all(ack["response_type"] == "ephemeral" for ack in acks.values())
    assert all(ack.get("replace_original") is not True for ack in acks.values())
    for level in ("early", "middle"):
        assert "pulse_debrief" not in body_text(acks[level])
        assert "0800 123 456" not in body_text(acks[level])
    for level in ("late", "beyond"):
        assert "pulse_debrief" in body_text(acks[level]), "late stages are offered a debrief"
        assert "0800 123 456" in body_text(acks[level]), "and the agency's support resources"
    assert len({ack["text"] for ack in acks.values()}) == 4
    assert len(fake_slack.calls_to("chat.postMessage")) == 1, "nothing posted where others see"
    assert fake_slack.calls_to("chat.postEphemeral") == []


async def test_the_debrief_offer_opens_the_debrief_request_form(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.block_action("pulse_debrief#0", "")
    [opened] = await fake_slack.wait_for("views.open")
    assert opened.ok and "debrief_form" in str(opened.params["view"])


async def test_the_window_closes_on_time_the_message_loses_its_buttons_and_markers_go(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.members["C0TEAM"] = ["U0ALICE", SUPERVISOR]
    post = await post_checkin(wellspring, slack, fake_slack)
    await answer(wellspring, slack, fake_slack, post, "U0ALICE", "middle")
    assert await _scalar(wellspring, "SELECT count(*) FROM pulse_participants") == 1

    await close_window(wellspring, clock, WINDOW - (WINDOW / 100))
    assert fake_slack.calls_to("chat.update") == [], "not closed a little before the end"

    await close_window(wellspring, clock, WINDOW / 100)
    [update] = fake_slack.calls_to("chat.update")
    assert update.ok and update.params["ts"] == post.response["ts"]
    assert "closed" in update.params["text"].lower()
    assert "actions" not in str(update.params["blocks"]), "the buttons are gone"
    assert await _scalar(wellspring, "SELECT count(*) FROM pulse_participants") == 0
    late = await answer(wellspring, slack, fake_slack, post, "U0BOB", "early")
    assert "closed" in body_text(late)
    assert await _counts(wellspring) == {"early": 0, "middle": 1, "late": 0, "beyond": 0}


async def test_a_window_that_ended_while_the_app_was_down_closes_at_start(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    settings = make_settings(fake_slack, sqlite_database_url)
    first = await start_wellspring(settings, clock)
    client = SignedSlackClient(
        first.url, settings.slack_signing_secret.get_secret_value(), fake_slack
    )  # type: ignore[union-attr]
    try:
        post = await post_checkin(first, client, fake_slack)
    finally:
        await client.close()
        await first.stop()
    clock.set(clock.now() + WINDOW * 2)
    second = await start_wellspring(settings, clock)
    try:
        await fake_slack.wait_for("chat.update")
    finally:
        await second.stop()
    [update] = fake_slack.calls_to("chat.update")
    assert update.params["ts"] == post.response["ts"]


async def test_a_deadline_wakes_the_sweep_at_its_due_time_in_wall_clock_terms(
    wellspring: Wellspring, clock: MovableClock
) -> None:
    wellspring.scheduler.due_at(clock.now() + timedelta(seconds=5))
    wake = wellspring.scheduler.deadline_wake()
    assert wake is not None
    assert 3 < (wake - datetime.now(UTC)).total_seconds() <= 5


async def test_a_click_that_cannot_count_says_why_and_counts_nothing(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    fake_slack.members["C0TEAM"] = ["U0W1"]
    action_id, value = level_buttons(post)["middle"]
    checkin_id = value.partition("|")[0]

    async def told(value: str) -> str:
        before = len(fake_slack.response_posts)
        await slack.block_action(action_id, value, user_id="U0W1", channel_id="C0TEAM",
                                 message_ts=post.response["ts"])  # fmt: skip
        [reply] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
        assert await wellspring.inflight.drain(5)
        return str(reply.body["text"])

    catalog = load_catalog()
    assert await told(f"{checkin_id}|furious") == catalog.text("pulse.unknown"), "no such level"
    assert await told("no-such-check-in|middle") == catalog.text("pulse.unknown")
    del fake_slack.members["C0TEAM"]  # the channel was deleted since
    assert await told(value) == catalog.text("pulse.unknown")
    fake_slack.members["C0TEAM"] = ["U0W1"]
    await close_window(wellspring, clock)
    assert await told(value) == catalog.text("pulse.closed")
    assert sum((await _counts(wellspring)).values()) == 0


async def test_a_click_the_database_fails_mid_way_is_told_to_click_again_and_then_counts(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    async with wellspring.engine.begin() as conn:  # the counter's table goes away
        await conn.execute(text("ALTER TABLE pulse_counts RENAME TO pulse_counts_away"))
    told = await answer(wellspring, slack, fake_slack, post, "U0ALICE", "late")
    assert told["response_type"] == "ephemeral"
    assert load_catalog().text("pulse.not_counted") in body_text(told)
    async with wellspring.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE pulse_counts_away RENAME TO pulse_counts"))
    again = await answer(wellspring, slack, fake_slack, post, "U0ALICE", "late")
    assert "already answered" not in body_text(again), "the failed click left no marker"
    assert await _counts(wellspring) == {"early": 0, "middle": 0, "late": 1, "beyond": 0}
