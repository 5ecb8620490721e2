"""Debrief requests end to end: offers, accept, pass, timeouts, fallback, cancel, follow-up."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from bot.domain.debriefs import NOTE_LIMIT, DebriefRequest
from bot.process.scheduling import DEADLINE_JOB
from bot.storage.debriefs import SqlDebriefRepository
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings, two_replicas
from tests.e2e.debrief_helpers import (
    ask,
    blocks_of,
    messages_to,
    offers_to,
    request_id,
    sign_up,
    updates_in,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

ASKER, COORDINATOR = "U0ASKER", "U0COORD"
PEERS = ("U0PEERA", "U0PEERB", "U0PEERC", "U0PEERD")
CATALOG = load_catalog()


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {
        "debrief_coordinator_user_ids": COORDINATOR,
        "support_resources_text": "EAP: call 0800 123 456",
        "crisis_resources_text": "Crisis line: 0800 999 999",
    }


async def peers(ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, count: int) -> None:
    for person in PEERS[:count]:
        await sign_up(ws, slack, fake, person)


def offered(fake: FakeSlack) -> list[str]:
    return [person for person in (*PEERS, ASKER) if offers_to(fake, person)]


async def accepted_debrief(ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack) -> str:
    """One peer, one request, accepted; the request id."""
    await peers(ws, slack, fake, 1)
    await ask(ws, slack, fake, ASKER)
    rid = request_id(offers_to(fake, PEERS[0])[0])
    await click(ws, slack, fake, "debrief_accept#0", rid, PEERS[0])
    return rid


async def sweep(ws: Wellspring, clock: MovableClock, after: timedelta) -> None:
    clock.set(clock.now() + after)
    await ws.scheduler.run_now(DEADLINE_JOB)
    assert await ws.inflight.drain(5)


async def test_a_request_is_offered_to_one_eligible_peer_and_never_to_the_requester(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await sign_up(wellspring, slack, fake_slack, ASKER)
    await peers(wellspring, slack, fake_slack, 1)
    reply = await ask(wellspring, slack, fake_slack, ASKER, note="The home visit on Tuesday")
    assert reply.status == 200 and reply.text == ""
    assert offered(fake_slack) == [PEERS[0]]
    [offer] = offers_to(fake_slack, PEERS[0])
    shown = blocks_of(offer)
    assert "After a hard case" in shown and "Sometime today" in shown
    assert ASKER not in shown and "home visit" not in shown, "nothing identifying before accept"
    [status] = messages_to(fake_slack, ASKER)[-1:]
    assert "debrief_cancel" in blocks_of(status), "the requester sees progress and can cancel"


async def test_accepting_opens_a_group_dm_with_exactly_the_two_and_gives_only_the_peer_the_note(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 1)
    await ask(wellspring, slack, fake_slack, ASKER, note="The home visit on Tuesday")
    [offer] = offers_to(fake_slack, PEERS[0])
    accepted = await click(
        wellspring, slack, fake_slack, "debrief_accept#0", request_id(offer), PEERS[0]
    )
    assert accepted["replace_original"] is True
    assert "home visit" in str(accepted["blocks"]), "the note goes to the peer who accepted"
    opened = [c for c in fake_slack.calls_to("conversations.open") if "," in c.params["users"]]
    assert [sorted(c.params["users"].split(",")) for c in opened] == [sorted([ASKER, PEERS[0]])]
    group = fake_slack.dm_id(ASKER, PEERS[0])
    [intro] = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == group]
    for part in CATALOG.variants("debriefs.intro.structure"):
        assert part in blocks_of(intro)
    assert "debrief_done" in blocks_of(intro)
    told = updates_in(fake_slack, ASKER)[-1]
    assert f"<@{PEERS[0]}>" in told.params["text"], "the requester is told who accepted"
    async with wellspring.engine.connect() as conn:
        notes = (await conn.execute(text("SELECT note FROM debrief_requests"))).scalars().all()
    assert notes == [None], "the note is not kept after delivery"


async def test_a_pass_goes_on_to_the_next_peer_and_the_requester_hears_of_it(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 2)
    await ask(wellspring, slack, fake_slack, ASKER)
    [first] = offered(fake_slack)
    reply = await click(
        wellspring,
        slack,
        fake_slack,
        "debrief_pass#1",
        request_id(offers_to(fake_slack, first)[0]),
        first,
    )
    assert CATALOG.text("debriefs.offer.passed") in reply["text"]
    assert sorted(offered(fake_slack)) == sorted(PEERS[:2])
    assert (
        CATALOG.text("debriefs.status.still_searching")
        in updates_in(fake_slack, ASKER)[-1].params["text"]
    )


async def test_an_urgent_request_goes_to_three_peers_and_the_first_to_accept_wins(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 4)
    await ask(wellspring, slack, fake_slack, ASKER, urgency="now")
    first_three = offered(fake_slack)
    assert len(first_three) == 3
    rid = request_id(offers_to(fake_slack, first_three[0])[0])
    replies = await asyncio.gather(
        *(slack.block_action("debrief_accept#0", rid, user_id=p) for p in first_three)
    )
    assert all(r.status == 200 for r in replies)
    posts = await fake_slack.wait_for_response_posts(3)
    assert await wellspring.inflight.drain(5)
    texts = [p.body["text"] for p in posts]
    assert sum("in touch, privately" in t for t in texts) == 1, texts
    assert sum(CATALOG.text("debriefs.offer.taken") in t for t in texts) == 2
    groups = [c for c in fake_slack.calls_to("conversations.open") if "," in c.params["users"]]
    assert len(groups) == 1


async def test_when_one_of_three_accepts_the_other_two_offers_turn_into_already_taken(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 3)
    await ask(wellspring, slack, fake_slack, ASKER, urgency="now")
    winner, *others = offered(fake_slack)
    rid = request_id(offers_to(fake_slack, winner)[0])
    await click(wellspring, slack, fake_slack, "debrief_accept#0", rid, winner)
    async with wellspring.engine.connect() as conn:
        statuses = (await conn.execute(text("SELECT status FROM debrief_offers"))).scalars()
        assert sorted(statuses) == ["accepted", "taken", "taken"], "settled at the accept"
    taken = CATALOG.text("debriefs.offer.taken")
    for person in others:
        assert taken in updates_in(fake_slack, person)[-1].params["text"]
        late = await click(wellspring, slack, fake_slack, "debrief_accept#0", rid, person)
        assert taken in late["text"]


async def test_double_clicks_on_accept_connect_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 1)
    await ask(wellspring, slack, fake_slack, ASKER)
    rid = request_id(offers_to(fake_slack, PEERS[0])[0])
    await asyncio.gather(
        *(slack.block_action("debrief_accept#0", rid, user_id=PEERS[0]) for _ in range(3))
    )
    posts = await fake_slack.wait_for_response_posts(3)
    assert await wellspring.inflight.drain(5)
    assert sum("in touch, privately" in p.body["text"] for p in posts) == 1
    assert sum(CATALOG.text("debriefs.offer.already_yours") in p.body["text"] for p in posts) == 2
    assert (
        len([c for c in fake_slack.calls_to("conversations.open") if "," in c.params["users"]]) == 1
    )


async def test_an_offer_that_times_out_moves_to_the_next_peer(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await peers(wellspring, slack, fake_slack, 2)
    await ask(wellspring, slack, fake_slack, ASKER)
    [first] = offered(fake_slack)
    await sweep(wellspring, clock, timedelta(seconds=899))
    assert offered(fake_slack) == [first], "not before the timeout"
    await sweep(wellspring, clock, timedelta(seconds=2))
    assert sorted(offered(fake_slack)) == sorted(PEERS[:2])
    expired = updates_in(fake_slack, first)
    assert expired and CATALOG.text("debriefs.offer.expired") in expired[-1].params["text"]
    told = updates_in(fake_slack, ASKER)
    assert told and CATALOG.text("debriefs.status.still_searching") in told[-1].params["text"]


async def test_with_no_peer_free_the_requester_gets_support_and_the_coordinator_only_with_consent(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await ask(wellspring, slack, fake_slack, ASKER, consent=False)
    [told] = messages_to(fake_slack, ASKER)
    assert "0800 123 456" in blocks_of(told)
    assert messages_to(fake_slack, COORDINATOR) == []

    await ask(wellspring, slack, fake_slack, "U0OTHER", consent=True, urgency="now")
    [coordinator] = messages_to(fake_slack, COORDINATOR)
    assert "<@U0OTHER>" in coordinator.params["text"] and "Right now" in coordinator.params["text"]


async def test_every_peer_passing_ends_in_the_fallback_never_in_silence(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 2)
    await ask(wellspring, slack, fake_slack, ASKER)
    passed: list[str] = []
    while waiting := [p for p in offered(fake_slack) if p not in passed]:
        rid = request_id(offers_to(fake_slack, waiting[0])[0])
        await click(wellspring, slack, fake_slack, "debrief_pass#1", rid, waiting[0])
        passed.append(waiting[0])
    assert sorted(passed) == sorted(PEERS[:2])
    unmatched = CATALOG.text("debriefs.status.unmatched")
    assert unmatched in updates_in(fake_slack, ASKER)[-1].params["text"]


async def test_a_pending_offer_survives_a_restart_and_still_times_out(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    settings = make_settings(fake_slack, sqlite_database_url)
    first = await start_wellspring(settings, clock)
    client = SignedSlackClient(first.url, SIGNING_SECRET, fake_slack)
    try:
        for person in PEERS[:2]:
            await sign_up(first, client, fake_slack, person)
        await ask(first, client, fake_slack, ASKER)
    finally:
        await client.close()
        await first.stop()
    assert len(offered(fake_slack)) == 1
    clock.set(clock.now() + timedelta(minutes=20))
    second = await start_wellspring(settings, clock)
    try:
        await second.scheduler.run_now(DEADLINE_JOB)
        assert await second.inflight.drain(5)
    finally:
        await second.stop()
    assert sorted(offered(fake_slack)) == sorted(PEERS[:2]), (
        "the next peer was asked after the restart"
    )


async def test_the_requester_can_cancel_and_open_offers_are_withdrawn(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 1)
    await ask(wellspring, slack, fake_slack, ASKER)
    rid = request_id(offers_to(fake_slack, PEERS[0])[0])
    reply = await click(wellspring, slack, fake_slack, "debrief_cancel#0", rid, ASKER)
    assert CATALOG.text("debriefs.status.cancelled") in reply["text"]
    assert (
        CATALOG.text("debriefs.offer.cancelled")
        in updates_in(fake_slack, PEERS[0])[-1].params["text"]
    )
    late = await click(wellspring, slack, fake_slack, "debrief_accept#0", rid, PEERS[0])
    assert CATALOG.text("debriefs.offer.cancelled") in late["text"]
    again = await click(wellspring, slack, fake_slack, "debrief_cancel#0", rid, ASKER)
    assert CATALOG.text("debriefs.status.already_closed") in again["text"]


async def test_the_requester_gets_a_follow_up_after_the_debrief(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    rid = await accepted_debrief(wellspring, slack, fake_slack)
    done = await click(wellspring, slack, fake_slack, "debrief_done#0", rid, ASKER)
    assert done["response_type"] == "in_channel"
    await sweep(wellspring, clock, timedelta(hours=47))
    assert not any("debrief_again" in blocks_of(c) for c in messages_to(fake_slack, ASKER))
    await sweep(wellspring, clock, timedelta(hours=2))
    follow_ups = [c for c in messages_to(fake_slack, ASKER) if "debrief_again" in blocks_of(c)]
    assert len(follow_ups) == 1
    await sweep(wellspring, clock, timedelta(hours=2))
    assert len([c for c in messages_to(fake_slack, ASKER) if "debrief_again" in blocks_of(c)]) == 1
    await slack.block_action("debrief_again#0", "", user_id=ASKER)
    opened = await fake_slack.wait_for("views.open", count=2)
    assert "debrief_form" in str(opened[-1].params["view"])


async def test_who_talked_to_whom_is_forgotten_after_retention_and_counts_remain(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    rid = await accepted_debrief(wellspring, slack, fake_slack)
    await click(wellspring, slack, fake_slack, "debrief_done#0", rid, PEERS[0])
    clock.set(clock.now() + timedelta(days=31))
    await wellspring.scheduler.run_now("forget-old-debriefs")
    async with wellspring.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM debrief_requests"))).all()
        offers = (await conn.execute(text("SELECT count(*) FROM debrief_offers"))).scalar()
        months = (await conn.execute(text("SELECT * FROM debrief_months"))).all()
    assert rows == [] and offers == 0
    assert ASKER not in str(months) and PEERS[0] not in str(months)
    assert [(m.month, m.matched, m.requests) for m in months] == [("2026-11", True, 1)]


async def test_the_crisis_option_shows_crisis_resources_first(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.command("/debrief", "", user_id=ASKER)
    [opened] = await fake_slack.wait_for("views.open")
    assert "debrief_not_safe" in str(opened.params["view"])
    await slack.block_action("debrief_not_safe#0", "", user_id=ASKER)
    [pushed] = await fake_slack.wait_for("views.push")
    shown = str(pushed.params["view"])
    fixed, lead = CATALOG.text("safety.fixed_line"), CATALOG.text("debriefs.crisis.lead")
    assert shown.index(fixed) < shown.index(lead) < shown.index("0800 999 999"), (
        "the fixed line, the lead, then where to turn"
    )
    assert fake_slack.calls_to("chat.postMessage") == [], "nothing else happened first"


async def test_bad_input_gets_a_clear_private_reply_and_nothing_is_lost(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 1)
    long = await ask(wellspring, slack, fake_slack, ASKER, note="x" * 501)
    assert long.json()["response_action"] == "errors" and "note" in long.json()["errors"]
    assert offered(fake_slack) == [], "nothing sent for a refused form"
    empty = await ask(wellspring, slack, fake_slack, ASKER, note="   ")
    assert empty.status == 200 and empty.text == ""
    assert offered(fake_slack) == [PEERS[0]]
    unknown = await click(wellspring, slack, fake_slack, "debrief_accept#0", "no-such-id", PEERS[1])
    assert CATALOG.text("debriefs.offer.gone") in unknown["text"]
    help_reply = await slack.command("/debrief", "volunter", user_id=ASKER)
    assert "volunter" in help_reply.json()["text"] or "volunter" in str(help_reply.json())


async def test_a_peer_who_left_the_workspace_is_skipped_and_the_next_one_asked(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 2)
    fake_slack.add_user(PEERS[0], deleted=True)  # first in line: never offered, lowest id
    await ask(wellspring, slack, fake_slack, ASKER)
    assert offered(fake_slack) == [PEERS[1]], "the next peer got the offer"
    async with wellspring.engine.connect() as conn:
        left = (await conn.execute(text("SELECT count(*) FROM volunteers"))).scalar()
    assert left == 1, "the unreachable peer was taken off the list"


async def test_three_peers_accepting_at_once_on_two_replicas_connect_exactly_one(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    async with two_replicas(fake_slack, database_url, clock) as (apps, clients):
        (first, second), (to_first, to_second) = apps, clients
        for person in PEERS[:3]:
            await sign_up(first, to_first, fake_slack, person)
        await ask(first, to_first, fake_slack, ASKER, urgency="now")
        three = offered(fake_slack)
        rid = request_id(offers_to(fake_slack, three[0])[0])
        clients = (to_first, to_second, to_first)
        await asyncio.gather(
            *(
                c.block_action("debrief_accept#0", rid, user_id=p)
                for c, p in zip(clients, three, strict=True)
            )
        )
        posts = await fake_slack.wait_for_response_posts(3)
        for ws in (first, second):
            assert await ws.inflight.drain(5)
        assert sum("in touch, privately" in p.body["text"] for p in posts) == 1
        groups = [c for c in fake_slack.calls_to("conversations.open") if "," in c.params["users"]]
        assert len(groups) == 1


async def test_a_request_stored_but_never_routed_is_offered_at_the_next_sweep(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 1)
    # Slack fails the requester's "searching" note, so routing stops after the request was
    # stored and before any offer went out (as when a replica dies between the two).
    fake_slack.fail_next("chat.postMessage", error="internal_error")
    await ask(wellspring, slack, fake_slack, ASKER)
    assert offered(fake_slack) == [], "left searching with no open offer"
    await wellspring.scheduler.run_now(DEADLINE_JOB)
    assert await wellspring.inflight.drain(5)
    assert offered(fake_slack) == [PEERS[0]], "the sweep routes it: never dropped"


async def test_a_click_on_an_offer_that_is_not_yours_or_no_longer_open_says_so(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 2)
    await ask(wellspring, slack, fake_slack, ASKER)
    [first] = offered(fake_slack)
    [second] = [p for p in PEERS[:2] if p != first]
    rid = request_id(offers_to(fake_slack, first)[0])
    gone = CATALOG.text("debriefs.offer.gone")
    stranger = await click(wellspring, slack, fake_slack, "debrief_pass#1", rid, second)
    assert gone in stranger["text"], "a pass without an offer of one's own"
    assert offered(fake_slack) == [first], "and the request is not routed again"
    closed = CATALOG.text("debriefs.status.already_closed")
    for person in (first, second):  # only the requester may cancel
        refused = await click(wellspring, slack, fake_slack, "debrief_cancel#0", rid, person)
        assert closed in refused["text"], person
    await click(wellspring, slack, fake_slack, "debrief_accept#0", rid, first)
    yours = CATALOG.text("debriefs.offer.already_yours")
    for action in ("debrief_accept#0", "debrief_pass#1"):  # a later click on the same offer
        again = await click(wellspring, slack, fake_slack, action, rid, first)
        assert yours in again["text"], action
    outsider = await click(wellspring, slack, fake_slack, "debrief_done#0", rid, second)
    assert gone in outsider["text"], "done is for the two in the debrief"
    unknown = await click(wellspring, slack, fake_slack, "debrief_done#0", "no-such-id", first)
    assert closed in unknown["text"], "done with a request that is gone (erased, say)"


async def test_two_sweeps_that_read_the_same_due_follow_up_send_it_once(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await accepted_debrief(wellspring, slack, fake_slack)
    read = SqlDebriefRepository.due_followups
    seen: list[DebriefRequest] = []

    async def as_first_read(self: SqlDebriefRepository, now: datetime) -> list[DebriefRequest]:
        """Every sweep gets what the first one read, as two replicas sweeping at once do."""
        if not seen:
            seen.extend(await read(self, now))
        return list(seen)

    monkeypatch.setattr(SqlDebriefRepository, "due_followups", as_first_read)
    await sweep(wellspring, clock, timedelta(hours=49))
    await sweep(wellspring, clock, timedelta(minutes=1))
    assert len(seen) == 1
    follow_ups = [c for c in messages_to(fake_slack, ASKER) if "debrief_again" in blocks_of(c)]
    assert len(follow_ups) == 1, "the claim lets one sweep send it"


async def test_a_note_may_be_as_long_as_the_limit_and_no_note_stores_nothing(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    too_long = await ask(wellspring, slack, fake_slack, ASKER, note="x" * (NOTE_LIMIT + 1))
    [error] = too_long.json()["errors"].values()
    assert error == CATALOG.text("debriefs.form.error_note_long", limit=str(NOTE_LIMIT))
    await peers(wellspring, slack, fake_slack, 3)  # each request waits for its peer, note kept
    for note in ("x" * NOTE_LIMIT, None, "  "):
        reply = await ask(wellspring, slack, fake_slack, ASKER, note=note)
        assert reply.status == 200 and reply.text == "", note
    async with wellspring.engine.connect() as conn:
        rows = await conn.execute(text("SELECT status, note FROM debrief_requests"))
        stored = sorted(rows.all(), key=lambda row: row.note is not None)
    assert [row.status for row in stored] == ["searching"] * 3
    assert [row.note for row in stored[:2]] == [None, None], "no note, or spaces: nothing kept"
    assert stored[2].note and "x" * 20 not in stored[2].note, "the long one, sealed"


async def test_an_urgent_request_keeps_three_offers_open_when_one_peer_passes(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await peers(wellspring, slack, fake_slack, 4)
    await ask(wellspring, slack, fake_slack, ASKER, urgency="now")
    first, *_ = three = offered(fake_slack)
    assert len(three) == 3
    rid = request_id(offers_to(fake_slack, first)[0])
    await click(wellspring, slack, fake_slack, "debrief_pass#1", rid, first)
    assert sorted(offered(fake_slack)) == sorted(PEERS), "the fourth peer is asked at once"
