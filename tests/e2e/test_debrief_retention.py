"""After retention a debrief is a month, matched or not, and a rounded wait: nothing else."""

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.process.scheduling import DEADLINE_JOB
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.debrief_helpers import ask, debrief, offers_to, request_id, sign_up
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

SUPERVISOR = "U0SUPER"
PEERS = ("U0PEERA", "U0PEERB")
ASKERS = tuple(f"U0ASKER{i}" for i in range(5))
EXACT_WAIT = timedelta(minutes=7, seconds=13)
CATALOG = load_catalog()
# What a request knew about itself; none of it may outlive retention.
DETAILS = {"critical_incident", "stress", "hard_case", "now", "week", "today"}
DETAILS |= {"other_team", "anyone", "my_team", "searching", "matched", "unmatched", "cancelled"}


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR}


@pytest.fixture
async def wellspring(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, overrides: dict[str, Any]
) -> AsyncIterator[Wellspring]:
    """The real app on each kind of database."""
    async with started(fake_slack, database_url, clock, overrides) as ws:
        yield ws


@pytest.fixture
async def sqlite_wellspring(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock, overrides: dict[str, Any]
) -> AsyncIterator[Wellspring]:
    """The real app on SQLite only: for what only SQLite's own files can show."""
    async with started(fake_slack, sqlite_database_url, clock, overrides) as ws:
        yield ws


@asynccontextmanager
async def started(
    fake: FakeSlack, database_url: str, clock: MovableClock, overrides: dict[str, Any]
) -> AsyncIterator[Wellspring]:
    ws = await start_wellspring(make_settings(fake, database_url, **overrides), clock)
    await ws.scheduler.run_now(SWEEP_JOB)
    try:
        yield ws
    finally:
        await ws.stop()


async def debrief_tables(ws: Wellspring) -> dict[str, list[dict[str, Any]]]:
    """Every row of every debrief table, as an attacker with a copy of the database reads it."""
    async with ws.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        dump = {}
        for name in sorted(n for n in names if n.startswith("debrief")):
            rows = await conn.execute(text(f"SELECT * FROM {name}"))
            dump[name] = [dict(row._mapping) for row in rows]
    return dump


async def five_requests_in_november(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, clock: MovableClock
) -> None:
    """One matched after an exact wait, one cancelled, three that no peer could take."""
    for peer in PEERS:
        await sign_up(ws, slack, fake, peer)
    await ask(
        ws, slack, fake, ASKERS[0], kind="critical_incident", urgency="now",
        preference="other_team", consent=True, note="the child on the ward",
    )  # fmt: skip
    clock.set(clock.now() + EXACT_WAIT)
    rid = request_id(offers_to(fake, PEERS[0])[0])
    await click(ws, slack, fake, "debrief_accept#0", rid, PEERS[0])
    await click(ws, slack, fake, "debrief_done#0", rid, ASKERS[0])
    await ask(ws, slack, fake, ASKERS[1], kind="stress", urgency="week")
    [second] = {request_id(offer) for peer in PEERS for offer in offers_to(fake, peer)} - {rid}
    await click(ws, slack, fake, "debrief_cancel#0", second, ASKERS[1])
    for asker in ASKERS[2:]:
        await ask(ws, slack, fake, asker, preference="my_team", consent=True)  # no teammates


async def test_retention_leaves_only_month_outcome_and_a_rounded_wait(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws = wellspring
    await five_requests_in_november(ws, slack, fake_slack, clock)
    clock.set(datetime(2026, 12, 5, 9, tzinfo=UTC))
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    november = wording_of_november()
    assert november in json.dumps(fake_slack.response_posts[-1].body, ensure_ascii=False)

    clock.set(datetime(2026, 12, 28, 9, tzinfo=UTC))  # every request closed over 30 days ago
    await ws.scheduler.run_now(DEADLINE_JOB)  # the follow-up went out on time
    await ws.scheduler.run_now("forget-old-debriefs")
    dump = await debrief_tables(ws)

    assert dump["debrief_requests"] == [] and dump["debrief_offers"] == []
    kept = [row for name, rows in dump.items() for row in rows]
    assert {key for row in kept for key in row} == {
        "workspace", "month", "matched", "wait_minutes", "requests",
    }  # fmt: skip
    assert sum(row["requests"] for row in kept) == 5
    values = [value for row in kept for value in row.values()]
    assert not any(isinstance(value, datetime | date) for value in values)
    flat = json.dumps(dump, default=str)
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}", flat), "no day, no time of day"
    assert not any(person in flat for person in (*ASKERS, *PEERS)), "no one who asked or listened"
    assert not DETAILS & {str(value) for value in values}, "no kind, urgency, preference, status"
    assert "ward" not in flat
    waits = {row["wait_minutes"] for row in kept if row["matched"]}
    assert waits == {15}, "7 min 13 s is kept only as 'within a quarter of an hour'"

    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    after = json.dumps(fake_slack.response_posts[-1].body, ensure_ascii=False)
    assert november in after, "the same totals from what remains"


async def test_a_request_counts_in_the_month_it_settled_before_and_after_retention(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ws = wellspring
    peer = PEERS[0]
    await sign_up(ws, slack, fake_slack, peer, capacity="5")
    clock.set(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    for asker in ASKERS:
        await ask(ws, slack, fake_slack, asker)
    asked = [request_id(offer) for offer in offers_to(fake_slack, peer)]  # in the askers' order
    clock.set(datetime(2026, 12, 1, 0, 10, tzinfo=UTC))  # forty minutes later, in December
    for rid in asked[:3]:
        await click(ws, slack, fake_slack, "debrief_accept#0", rid, peer)
    for rid, asker in zip(asked[3:], ASKERS[3:], strict=True):
        await click(ws, slack, fake_slack, "debrief_cancel#0", rid, asker)
    clock.set(datetime(2026, 12, 31, 23, 50, tzinfo=UTC))
    await ask(ws, slack, fake_slack, "U0LATE")  # still searching when December ends

    clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    december = month_wording("2026-12", "5", "3", "2", "debriefs.stats.wait.hour")
    november = json.dumps(CATALOG.text("debriefs.stats.hidden", month="2026-11"))[1:-1]
    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    before = json.dumps(fake_slack.response_posts[-1].body, ensure_ascii=False)
    assert december in before, "taken or cancelled in December, open on New Year's Eve: 5"
    assert november in before, "asked in November, but none settled there"

    await ws.scheduler.run_now(DEADLINE_JOB)  # follow-ups close the three; the late one ends
    clock.set(datetime(2027, 2, 10, 9, tzinfo=UTC))  # all closed over 30 days ago
    await ws.scheduler.run_now("forget-old-debriefs")
    dump = await debrief_tables(ws)
    assert dump["debrief_requests"] == []
    kept = {(row["month"], row["matched"]): row["requests"] for row in dump["debrief_months"]}
    assert kept == {("2026-12", True): 3, ("2026-12", False): 2, ("2027-01", False): 1}

    await debrief(ws, slack, fake_slack, SUPERVISOR, "stats")
    after = json.dumps(fake_slack.response_posts[-1].body, ensure_ascii=False)
    assert december in after, "the same December from what remains"
    assert json.dumps(CATALOG.text("debriefs.stats.hidden", month="2027-01"))[1:-1] in after


async def test_on_sqlite_forgotten_requests_are_wiped_from_the_files_too(
    sqlite_wellspring: Wellspring, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    # SQLite only (PostgreSQL's pages are vacuumed; its WAL is not ours to wipe): on its own
    # fixture, rather than a PostgreSQL case that would be skipped in every run.
    wellspring = sqlite_wellspring
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack)
    try:
        await five_requests_in_november(wellspring, slack, fake_slack, clock)
    finally:
        await slack.close()
    database = wellspring.engine.url.database or ""
    assert any(asker.encode() in raw for asker in ASKERS for raw in _files(database))
    clock.set(datetime(2026, 12, 28, 9, tzinfo=UTC))
    await wellspring.scheduler.run_now(DEADLINE_JOB)
    await wellspring.scheduler.run_now("forget-old-debriefs")
    for raw in _files(database):
        assert not any(asker.encode() in raw for asker in ASKERS), "who asked, on disk"
        assert b"the child on the ward" not in raw


def _files(database: str) -> list[bytes]:
    """The SQLite file and its WAL, as a copy of the disk has them."""
    return [Path(database).read_bytes(), Path(database + "-wal").read_bytes()]


def wording_of_november() -> str:
    return month_wording("2026-11", "5", "1", "4", "debriefs.stats.wait.quarter_hour")


def month_wording(month: str, requests: str, matched: str, unmatched: str, wait: str) -> str:
    """A month's line of /debrief stats, as it appears in the JSON of the answer."""
    line = CATALOG.text(
        "debriefs.stats.month_line",
        month=month,
        requests=requests,
        matched=matched,
        unmatched=unmatched,
        median=CATALOG.text(wait),
    )
    return json.dumps(line, ensure_ascii=False)[1:-1]
