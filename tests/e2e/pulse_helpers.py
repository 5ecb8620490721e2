"""Shared steps for pulse tests: post a check-in, answer it as several people, close it."""

import json
from datetime import timedelta
from typing import Any

from bootstrap import Wellspring
from bot.domain.pulses import IsoWeek
from bot.process.scheduling import DEADLINE_JOB
from tests.e2e.conftest import MovableClock
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click_level

LEVELS = ("early", "middle", "late", "beyond")
SUPERVISOR = "U0SUPER"
WINDOW = timedelta(hours=8)


async def post_checkin(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, channel: str = "C0TEAM"
) -> ApiCall:
    """/checkin now in `channel`; the check-in message as the fake received it."""
    before = len(fake.calls_to("chat.postMessage"))
    await slack.command("/checkin", "now", channel_id=channel)
    await fake.wait_for("chat.postMessage", count=before + 1)
    assert await ws.inflight.drain(5)
    return fake.calls_to("chat.postMessage")[before]


async def answer(
    ws: Wellspring,
    slack: SignedSlackClient,
    fake: FakeSlack,
    post: ApiCall,
    user: str,
    level: str,
) -> dict[str, Any]:
    """Click `level` on the check-in as `user`, a member of its channel; the private reply."""
    members = fake.members.setdefault(post.params["channel"], [])
    if user not in members:
        members.append(user)
    return await click_level(ws, slack, fake, post, user, level)


async def close_window(ws: Wellspring, clock: MovableClock, after: timedelta = WINDOW) -> None:
    """Move time past the response window and run the deadline sweep, as its wake-up would."""
    clock.set(clock.now() + after)
    await ws.scheduler.run_now(DEADLINE_JOB)


async def settle_week(ws: Wellspring, clock: MovableClock) -> None:
    """Move time past the end of this week and run the deadline sweep, as the app's every
    half minute would: the week's check-ins close and its numbers settle."""
    week_over = IsoWeek.of(clock.now()).ends_at + timedelta(hours=1)
    clock.set(max(clock.now(), week_over))
    await ws.scheduler.run_now(DEADLINE_JOB)


def body_text(body: dict[str, Any]) -> str:
    return json.dumps(body.get("blocks") or []) + body.get("text", "")
