"""Peer supporters: signing up through the modal, away and back, routing, peers and totals."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import (
    ask,
    blocks_of,
    debrief,
    messages_to,
    offers_to,
    request_id,
    sign_up,
    updates_in,
    volunteer_values,
)
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

SUPERVISOR = "U0SUPER"
CATALOG = load_catalog()


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR}


def wording(key: str, **params: str) -> str:
    return CATALOG.text(f"debriefs.{key}", **params)


def all_offers(fake: FakeSlack) -> list[ApiCall]:
    posts = [c for c in fake.calls_to("chat.postMessage") if c.ok]
    return [c for c in posts if "debrief_accept" in blocks_of(c)]


async def volunteer_row(ws: Wellspring, person: str) -> dict[str, Any] | None:
    async with ws.engine.connect() as conn:
        query = text("SELECT * FROM volunteers WHERE person = :person")
        row = (await conn.execute(query, {"person": person})).first()
    return dict(row._mapping) if row else None


async def test_volunteering_opens_a_modal_with_my_time_zone_and_confirms_privately(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0PEER", tz="Europe/London")
    await slack.command("/debrief", "volunteer", user_id="U0PEER")
    [opened] = await fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == "volunteer_form"
    [zone] = [b for b in view["blocks"] if b.get("block_id") == "timezone"]
    assert zone["element"]["initial_value"] == "Europe/London"

    values = volunteer_values(capacity="3", timezone="Europe/London")
    reply = await slack.view_submission("volunteer_form", values, user_id="U0PEER")
    assert reply.status == 200 and reply.text == "", "the modal closes"
    assert await wellspring.inflight.drain(5)
    [confirmation] = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert confirmation.params["channel"] == "U0PEER"
    assert "up to 3 a week" in confirmation.params["text"]
    row = await volunteer_row(wellspring, "U0PEER")
    assert row is not None and row["capacity"] == 3 and row["timezone"] == "Europe/London"


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"days": ()}, "days", wording("volunteer.error_no_days")),
        ({"start": "09:00"}, "end", wording("volunteer.error_hours")),
        ({"timezone": "Mars/Base"}, "timezone", "Mars/Base"),
    ],
    ids=["no-days", "one-time-only", "unknown-time-zone"],
)
async def test_bad_volunteer_input_stays_in_the_modal_with_the_field_marked(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    values: dict[str, Any],
    field: str,
    says: str,
) -> None:
    await slack.command("/debrief", "volunteer", user_id="U0PEER")
    await fake_slack.wait_for("views.open")
    form = volunteer_values(**values)
    reply = await slack.view_submission("volunteer_form", form, user_id="U0PEER")
    assert await wellspring.inflight.drain(5)
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {field}
    assert says in body["errors"][field]
    assert await volunteer_row(wellspring, "U0PEER") is None
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_away_available_and_stop_answer_privately_and_change_what_is_stored(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws, peer = wellspring, "U0PEER"
    await sign_up(ws, slack, fake_slack, peer)

    assert await debrief(ws, slack, fake_slack, peer, "away") == wording("volunteer.away_saved")
    row = await volunteer_row(ws, peer)
    assert row is not None and row["away"]

    answer = await debrief(ws, slack, fake_slack, peer, "away until 2026-12-24")
    assert answer == wording("volunteer.away_until_saved", date="2026-12-24")
    row = await volunteer_row(ws, peer)
    assert row is not None and str(row["away_until"]) == str(date(2026, 12, 24))

    answer = await debrief(ws, slack, fake_slack, peer, "away until not-a-date")
    assert answer == wording("volunteer.bad_date", value="not-a-date")

    answer = await debrief(ws, slack, fake_slack, peer, "available")
    assert answer == wording("volunteer.available_saved")
    row = await volunteer_row(ws, peer)
    assert row is not None and not row["away"] and row["away_until"] is None

    assert await debrief(ws, slack, fake_slack, peer, "stop") == wording("volunteer.stopped")
    assert await volunteer_row(ws, peer) is None
    answer = await debrief(ws, slack, fake_slack, peer, "available")
    assert answer == wording("volunteer.not_volunteer")


async def test_supervisors_see_how_many_peers_are_free_but_never_who(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    hours: dict[str, dict[str, Any]] = {
        "U0FREE": {},
        "U0TOKYO": {"days": ("thu",), "start": "09:00", "end": "18:00"},
        "U0NIGHT": {"start": "20:00", "end": "06:00"},
        "U0FRIDAY": {"days": ("fri",)},
        "U0AWAY": {},
        "U0BACK": {},
    }
    for person, when in hours.items():
        tz = "Asia/Tokyo" if person == "U0TOKYO" else "UTC"  # 17:00 there, a Thursday
        await sign_up(ws, slack, fake_slack, person, timezone=tz, **when)
    await debrief(ws, slack, fake_slack, "U0AWAY", "away until 2026-11-26")
    await debrief(ws, slack, fake_slack, "U0BACK", "away until 2026-11-25")

    answer = await debrief(ws, slack, fake_slack, SUPERVISOR, "peers")
    assert answer == wording("peers.many"), "U0FREE, U0TOKYO and U0BACK"
    assert "U0" not in answer, "no names"

    refused = await debrief(ws, slack, fake_slack, "U0FREE", "peers")  # a peer, not a supervisor
    assert refused == wording("peers.refuse")
    assert not any(char.isdigit() for char in refused)


async def test_a_request_goes_only_to_the_peer_who_is_in_hours_and_not_away(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    ws = wellspring
    # Each of these would come first in line (least recently offered, then by id) if allowed.
    await sign_up(ws, slack, fake_slack, "U0ASKER")
    await sign_up(ws, slack, fake_slack, "U0AWAY")
    await debrief(ws, slack, fake_slack, "U0AWAY", "away")
    await sign_up(ws, slack, fake_slack, "U0NIGHT", start="20:00", end="06:00")
    await sign_up(ws, slack, fake_slack, "U0FREE")

    reply = await ask(ws, slack, fake_slack, "U0ASKER", urgency="week", preference="anyone")
    assert reply.text == "", "the request modal closes"
    [offer] = all_offers(fake_slack)
    assert offers_to(fake_slack, "U0FREE") == [offer], "not the asker, away or out of hours"
    [status] = messages_to(fake_slack, "U0ASKER")
    assert status.params["text"] == wording("status.searching", count="1")


async def test_a_peer_at_their_weekly_capacity_is_not_offered_another_request_that_week(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws, peer = wellspring, "U0ONCE"
    await sign_up(ws, slack, fake_slack, peer, capacity="1")
    await ask(ws, slack, fake_slack, "U0FIRST")
    [offer] = all_offers(fake_slack)
    assert offer in offers_to(fake_slack, peer)
    await slack.block_action(
        "debrief_accept#0",
        request_id(offer),
        user_id=peer,
        channel_id=offer.params["channel"],
        message_ts=offer.response["ts"],
    )
    assert await ws.inflight.drain(5)
    [update] = updates_in(fake_slack, "U0FIRST")
    assert update.params["text"] == wording("status.accepted", peer=f"<@{peer}>")

    await ask(ws, slack, fake_slack, "U0SECOND")
    assert all_offers(fake_slack) == [offer], "no second offer to a peer at capacity"
    [told] = messages_to(fake_slack, "U0SECOND")
    assert wording("status.unmatched") in told.params["text"]
    answer = await debrief(ws, slack, fake_slack, SUPERVISOR, "peers")
    assert answer == wording("peers.none")

    clock.set(clock.now() + timedelta(days=7, minutes=1))  # the accepted one is a week old
    await ask(ws, slack, fake_slack, "U0THIRD")
    assert len(offers_to(fake_slack, peer)) == 2


async def test_monthly_totals_are_for_supervisors_and_hide_small_months(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws = wellspring
    for i in range(5):
        await ask(ws, slack, fake_slack, f"U0NOV{i}")
    clock.set(datetime(2026, 12, 3, 10, tzinfo=UTC))
    for i in range(2):
        await ask(ws, slack, fake_slack, f"U0DEC{i}")

    refused = await debrief(ws, slack, fake_slack, "U0NOV0", "stats")
    assert refused == wording("stats.refuse")

    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    body = fake_slack.response_posts[-1].body
    shown = json.dumps(body["blocks"], ensure_ascii=False)
    november = wording(
        "stats.month_line",
        month="2026-11",
        requests="5",
        matched="0",
        unmatched="5",
        median=wording("stats.no_wait"),
    )
    assert json.dumps(november, ensure_ascii=False)[1:-1] in shown
    assert "U0NOV" not in shown and "U0DEC" not in shown

    clock.set(datetime(2027, 1, 4, 10, tzinfo=UTC))  # December is over
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    shown = json.dumps(fake_slack.response_posts[-1].body["blocks"], ensure_ascii=False)
    assert json.dumps(wording("stats.hidden", month="2026-12"))[1:-1] in shown
