"""Adversary: a finished month's debrief numbers change after it ended.

README, */debrief stats*: "requests, matched, not matched and the typical wait for each of the
last six finished months (UTC); the running month is never shown", and *What is kept*: "a
month and a band cannot single out one request". A request made late on the month's last
day is still searching when the month is shown as finished ("not matched"); when a peer takes
it the next day the finished month's line changes. Two looks set side by side single out that
one request: it was matched, after the new wait band.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import ask, debrief, offers_to, request_id, sign_up
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

SUPERVISOR, PEER = "U0SUPER", "U0PEERX"
LAST_EVENING = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR}


async def november(ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack) -> str:
    await debrief(ws, slack, fake, SUPERVISOR, "stats")
    shown = json.dumps(fake.response_posts[-1].body, ensure_ascii=False)
    found = re.search(r"2026-11[^\"\\]*", shown)
    assert found, shown
    return found.group(0)


async def test_adversary_a_finished_months_debrief_line_changes_when_a_late_request_is_taken(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws = wellspring
    await sign_up(ws, slack, fake_slack, PEER, capacity="5")
    clock.set(LAST_EVENING)
    for n in range(5):
        await ask(ws, slack, fake_slack, f"U0ASKER{n}")
    clock.set(LAST_EVENING + timedelta(minutes=35))  # December 1st, 00:05: November is over
    first = await november(ws, slack, fake_slack)
    [offer, *_] = offers_to(fake_slack, PEER)
    await click(ws, slack, fake_slack, "debrief_accept#0", request_id(offer), PEER)
    clock.set(LAST_EVENING + timedelta(minutes=45))
    second = await november(ws, slack, fake_slack)
    assert first == second, (
        f"November, finished, read {first!r} and ten minutes later {second!r}: the"
        " difference is one request, taken after the month ended, and its wait"
    )
