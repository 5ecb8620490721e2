"""What supervisors see of debriefs: finished months, a band of free peers, each look audited."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import ask, debrief, sign_up
from tests.e2e.pulse_helpers import body_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

SUPERVISOR, LEAD = "U0SUPER", "U0LEAD"
CATALOG = load_catalog()


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": f"{SUPERVISOR},{LEAD}"}


def wording(key: str, **params: str) -> str:
    return CATALOG.text(f"debriefs.{key}", **params)


def shown(fake: FakeSlack) -> str:
    """Everything in the last private answer, blocks included."""
    return json.dumps(fake.response_posts[-1].body, ensure_ascii=False)


async def test_stats_never_show_the_month_that_is_still_running(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws = wellspring
    for i in range(5):
        await ask(ws, slack, fake_slack, f"U0NOV{i}")
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    assert "2026-11" not in shown(fake_slack), "November is not over yet"
    for month in ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
        # a month with no request reads as one with a few: "too few", never left out
        assert wording("stats.hidden", month=month) in shown(fake_slack), month

    clock.set(datetime(2026, 12, 3, 10, tzinfo=UTC))
    for i in range(6):
        await ask(ws, slack, fake_slack, f"U0DEC{i}")
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    november = wording(
        "stats.month_line",
        month="2026-11",
        requests="5",
        matched="0",
        unmatched="5",
        median=wording("stats.no_wait"),
    )
    assert json.dumps(november, ensure_ascii=False)[1:-1] in shown(fake_slack)
    assert "2026-12" not in shown(fake_slack), "December is still running: not even 'too few'"


async def test_free_peers_are_shown_as_a_band_never_an_exact_count(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    expected = ["peers.none", "peers.few", "peers.few", "peers.many", "peers.many"]
    for count, key in enumerate(expected):
        if count:
            await sign_up(ws, slack, fake_slack, f"U0PEER{count}")
        answer = await debrief(ws, slack, fake_slack, SUPERVISOR, "peers")
        assert answer == wording(key), f"{count} free"
        assert not any(char.isdigit() for char in answer.replace("U0", ""))


async def test_every_supervisor_sees_each_look_at_debrief_numbers_in_the_audit(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    await debrief(ws, slack, fake_slack, SUPERVISOR, "peers")
    await debrief(ws, slack, fake_slack, "U0NOSY", "stats")  # refused: nothing seen, nothing logged

    before = len(fake_slack.response_posts)
    reply = await slack.command("/pulse", "audit", user_id=LEAD, channel_id="D0LEAD")
    assert reply.status == 200
    [answer] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
    audit = body_text(answer.body)
    how = CATALOG.text
    assert audit.count(f"<@{SUPERVISOR}>") == 2
    assert how("summaries.how.debrief_stats") in audit
    assert how("summaries.how.debrief_peers") in audit
    assert "U0NOSY" not in audit
    assert how("summaries.audit_empty") not in audit
