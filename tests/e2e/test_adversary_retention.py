"""Adversary: the pulse retention sweep cuts a shown week in two, and the week keeps showing.

README, *What each number is*: "Every number is about whole periods, the same for every
supervisor and every look, so that no shown number can be set against another (in another
view, by another supervisor, or a week later) to single out fewer than 6 people".

`PULSE_RETENTION_DAYS` may be anything from 1 day (settings: `ge=1`); an agency that keeps
little sets, say, 30. `forget_old_pulses` deletes check-ins posted before the cutoff, one by
one, but keeps the week's row (`pulse_team_weeks`, deleted only when the whole week ends
before the cutoff) with its settled count of people. A week whose Monday check-in is past the
cutoff and whose Wednesday one is not still shows, now as Wednesday's answers alone: the
supervisor who saw the whole week before sets the two lines against each other and reads
Monday's check-in, here one person's answer.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
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
from tests.support.raw_pages import found, raw_pages

TEAM = "C0TEAM"
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 2026-W49
WEEK = "2026-W49"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR, "pulse_retention_days": 30}


async def week_line(slack: SignedSlackClient, fake: FakeSlack) -> str:
    before = len(fake.response_posts)
    reply = await slack.command("/pulse", "", user_id=SUPERVISOR, channel_id=TEAM)
    assert reply.status == 200
    [post] = (await fake.wait_for_response_posts(before + 1))[before:]
    found = re.search(WEEK + r": (?:[^\"\\]|\\u00b7)*", body_text(post.body))
    assert found, body_text(post.body)
    return found.group(0).replace("\\u00b7", "·")


async def test_adversary_the_retention_sweep_leaves_half_a_shown_week_showing(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.members[TEAM] = [SUPERVISOR]
    clock.set(MONDAY)
    monday = await post_checkin(wellspring, slack, fake_slack, TEAM)
    await answer(wellspring, slack, fake_slack, monday, "U0ALONE", "beyond")  # one person
    await close_window(wellspring, clock)
    clock.set(MONDAY + timedelta(days=2))
    wednesday = await post_checkin(wellspring, slack, fake_slack, TEAM)
    for n in range(5):
        await answer(wellspring, slack, fake_slack, wednesday, f"U0OTHER{n}", "early")
    await close_window(wellspring, clock)
    await settle_week(wellspring, clock)
    whole = await week_line(slack, fake_slack)
    assert whole.startswith(f"{WEEK}: 6 answers"), whole  # 6 different people: it shows

    # 31 days after Monday the cutoff (30 days) falls between Monday and Wednesday.
    clock.set(MONDAY + timedelta(days=31))
    await wellspring.scheduler.run_now("forget-old-pulses")
    later = await week_line(slack, fake_slack)
    assert later == whole or "hidden" in later, (
        f"the same week, a month apart: {whole!r} then {later!r}; the difference is the"
        " Monday check-in, one person's answer"
    )


LOOKER = "U0LOOKER7Q"  # a supervisor whose looks the audit log keeps, then forgets


async def test_adversary_the_audit_logs_forgotten_looks_stay_in_the_database_files(
    fake_slack: FakeSlack, database_url: str
) -> None:
    """`forget_old_pulses` deletes the audit log's old lines (who looked: a person's id) and
    wipes nothing after it; the daily retention sweep, erasures and closed check-ins all
    wipe what they delete. The supervisor's id stays in the free space of the table and its
    unique index on PostgreSQL, and in the WAL on SQLite (docs/data-protection.md: "Erased
    rows are wiped from the database files" is the rule everywhere else personal rows go)."""
    clock = MovableClock(MONDAY)
    settings = make_settings(fake_slack, database_url, supervisor_user_ids=LOOKER)
    ws = await start_wellspring(settings, clock)
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        fake_slack.members[TEAM] = [LOOKER]
        await post_checkin(ws, client, fake_slack, TEAM)
        before = len(fake_slack.response_posts)
        await client.command("/pulse", "", user_id=LOOKER, channel_id=TEAM)
        await fake_slack.wait_for_response_posts(before + 1)
        assert found([LOOKER], await raw_pages(database_url)), "the look is in the log"
        clock.set(MONDAY + timedelta(days=731))  # past PULSE_RETENTION_DAYS (730)
        await ws.scheduler.run_now("forget-old-pulses")
        async with ws.engine.connect() as connection:
            left = await connection.scalar(text("SELECT count(*) FROM pulse_views"))
        assert left == 0, "the scene: the look was forgotten"
        assert found([LOOKER], await raw_pages(database_url)) == [], (
            "the forgotten look's viewer id is still in the database files"
        )
    finally:
        await client.close()
        await ws.stop()
