"""A debrief note is sealed at rest and gone from every page and the WAL once it ends."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from bootstrap import WIPE_JOB, Wellspring, start_wellspring
from bot.process.scheduling import DEADLINE_JOB
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.debrief_helpers import ask, offers_to, request_id, sign_up
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.busy_readers import backup_reading
from tests.support.clicks import click
from tests.support.raw_pages import found, raw_pages

ASKER, PEER = "U0ASKER", "U0PEERA"
NOTE = "Quokka-7319: the Harbourside visit and the locked bedroom door"


@pytest.fixture
async def running(
    database_url: str, fake_slack: FakeSlack, clock: MovableClock
) -> AsyncIterator[tuple[Wellspring, SignedSlackClient]]:
    """The app on each database, one peer signed up, a request with NOTE waiting for them."""
    ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        await sign_up(ws, slack, fake_slack, PEER)
        await ask(ws, slack, fake_slack, ASKER, note=NOTE)
        yield ws, slack
    finally:
        await slack.close()
        await ws.stop()


async def stored_note(ws: Wellspring) -> str:
    """The note as the database holds it (sealed, once sealing is in place)."""
    async with ws.engine.connect() as connection:
        [note] = (await connection.execute(text("SELECT note FROM debrief_requests"))).scalars()
    assert note, "the note waits for the peer"
    return str(note)


async def waiting(ws: Wellspring, database_url: str) -> str:
    """Before handover: the note is kept, but its words are on no page; its sealed form."""
    sealed = await stored_note(ws)
    assert found([NOTE, "Harbourside"], await raw_pages(database_url)) == []
    return sealed


async def test_the_note_is_sealed_until_the_peer_accepts_then_gone_from_every_page(
    running: tuple[Wellspring, SignedSlackClient], database_url: str, fake_slack: FakeSlack
) -> None:
    ws, slack = running
    sealed = await waiting(ws, database_url)
    rid = request_id(offers_to(fake_slack, PEER)[0])
    accepted = await click(ws, slack, fake_slack, "debrief_accept#0", rid, PEER)
    assert "Harbourside visit" in str(accepted["blocks"]), "the peer gets the note"
    assert found([NOTE, "Harbourside", sealed], await raw_pages(database_url)) == []


async def test_a_cancelled_request_leaves_no_trace_of_its_note(
    running: tuple[Wellspring, SignedSlackClient], database_url: str, fake_slack: FakeSlack
) -> None:
    ws, slack = running
    sealed = await waiting(ws, database_url)
    rid = request_id(offers_to(fake_slack, PEER)[0])
    await click(ws, slack, fake_slack, "debrief_cancel#0", rid, ASKER)
    assert found([NOTE, "Harbourside", sealed], await raw_pages(database_url)) == []


async def test_a_request_that_runs_out_of_peers_leaves_no_trace_of_its_note(
    running: tuple[Wellspring, SignedSlackClient],
    database_url: str,
    clock: MovableClock,
) -> None:
    ws, _ = running
    sealed = await waiting(ws, database_url)
    clock.set(clock.now() + timedelta(minutes=16))  # the only peer's offer runs out
    await ws.scheduler.run_now(DEADLINE_JOB)
    assert await ws.inflight.drain(5)
    async with ws.engine.connect() as connection:
        status = (await connection.execute(text("SELECT status FROM debrief_requests"))).scalar()
    assert status == "unmatched"
    assert found([NOTE, "Harbourside", sealed], await raw_pages(database_url)) == []


async def test_a_busy_database_delays_the_wipe_never_the_handover(
    running: tuple[Wellspring, SignedSlackClient], database_url: str, fake_slack: FakeSlack
) -> None:
    ws, slack = running
    sealed = await waiting(ws, database_url)
    rid = request_id(offers_to(fake_slack, PEER)[0])
    async with backup_reading(database_url, "debrief_requests"):
        accepted = await click(ws, slack, fake_slack, "debrief_accept#0", rid, PEER)
        assert "Harbourside visit" in str(accepted["blocks"]), "the peer gets the note"
        assert found([sealed], await raw_pages(database_url)) == [sealed], "not wiped yet"
    await ws.scheduler.run_now(WIPE_JOB)  # the retry job's next wake-up
    assert await ws.inflight.drain(5)
    assert found([NOTE, "Harbourside", sealed], await raw_pages(database_url)) == []


async def test_a_note_stored_in_plain_text_before_the_upgrade_still_reaches_the_peer(
    running: tuple[Wellspring, SignedSlackClient], database_url: str, fake_slack: FakeSlack
) -> None:
    ws, slack = running
    async with ws.engine.begin() as connection:  # as 0.2.0 stored it, waiting across the upgrade
        await connection.execute(text("UPDATE debrief_requests SET note = :note"), {"note": NOTE})
    rid = request_id(offers_to(fake_slack, PEER)[0])
    accepted = await click(ws, slack, fake_slack, "debrief_accept#0", rid, PEER)
    assert "Harbourside visit" in str(accepted["blocks"]), "the peer gets the note"
    assert found([NOTE, "Harbourside"], await raw_pages(database_url)) == []
