"""Replicas as processes on PostgreSQL: one is killed with SIGKILL, nothing is lost or doubled."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bootstrap import MIGRATIONS, SWEEP_INTERVAL
from bot.domain.pulses import IsoWeek
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from prompts import load_catalog
from tests.e2e.debrief_helpers import offers_to, request_values, updates_in, volunteer_values
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.support.replica_steps import click, post_checkin
from tests.support.replicas import (
    Replica,
    called_until,
    postgres_database,
    replicas,
    wait_for_calls,
)

CATALOG = load_catalog()
WORKSPACE = WorkspaceRef("slack", "T0AGENCY")
CHANNELS = tuple(f"C0FAN{i:04d}" for i in range(300))
# The replicas must be up before the minute comes; they load their schedules at start.
START_MARGIN = timedelta(seconds=12)
# Posts seen before the kill: the fan-out has begun and is far from done.
KILL_AFTER_POSTS = 20
# A run the dead replica held is taken over once its claim is this old (the shortest allowed).
LEASE_SECONDS = 10
# The survivor gets every run within this: its next sweeps take over what the dead one held.
TAKEOVER_BOUND = (2 * SWEEP_INTERVAL + timedelta(seconds=30)).total_seconds()
SUPERVISOR, TEAM = "U0SUPER", "C0TEAM"
ASKER, PEERS = "U0ASKER", ("U0PEERA", "U0PEERB")
ANSWERERS = tuple(f"U0ANS{i}" for i in range(6))
WINDOW_SECONDS, OFFER_SECONDS = 60, 10  # the shortest each setting allows


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


def next_minute_after(moment: datetime) -> datetime:
    return (moment + timedelta(minutes=1)).replace(second=0, microsecond=0)


async def add_schedules(postgres_url: str, at: datetime) -> None:
    """The schedules of a county's 300 teams: a check-in every day at `at`, from today."""
    engine = create_engine(postgres_url)
    try:
        await upgrade(engine, MIGRATIONS)
        recurrence = Recurrence(frozenset(range(7)), time(at.hour, at.minute), "UTC")
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            for channel in CHANNELS:
                schedule = Schedule(
                    id=str(uuid.uuid4()),
                    workspace=WORKSPACE,
                    kind=ScheduleKind.CHECKIN,
                    recurrence=recurrence,
                    owner="U0LEAD",
                    created_at=datetime.now(UTC),
                    conversation=channel,
                )
                await uow.schedules.add(schedule)
            await uow.commit()
    finally:
        await engine.dispose()


def fan_out_posts(fake: FakeSlack) -> list[str]:
    return [
        c.params["channel"]
        for c in fake.calls_to("chat.postMessage")
        if c.ok and c.params["channel"] in CHANNELS
    ]


async def test_a_replica_killed_during_the_fan_out_leaves_every_channel_exactly_one_checkin(
    fake_slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> None:
    due = next_minute_after(datetime.now(UTC) + START_MARGIN)
    await add_schedules(postgres_url, due)
    lease = {"SCHEDULE_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS)}
    async with replicas(fake_slack, postgres_url, tmp_path, **lease) as started:
        doomed, survivor = await asyncio.gather(started.start("a"), started.start("b"))
        await fake_slack.wait_for(
            "chat.postMessage",
            count=KILL_AFTER_POSTS,
            timeout=(due - datetime.now(UTC)).total_seconds() + 30,
        )
        doomed.kill()
        assert len(set(fan_out_posts(fake_slack))) < len(CHANNELS), "killed during the fan-out"

        def all_posted() -> bool:
            return set(fan_out_posts(fake_slack)) == set(CHANNELS)

        # No assertion here: the counts below say which channels went wrong.
        await called_until(fake_slack, "chat.postMessage", all_posted, TAKEOVER_BOUND)
        assert await survivor.stop() == 0, survivor.log
    posts = Counter(fan_out_posts(fake_slack))
    missing = sorted(set(CHANNELS) - set(posts))
    doubled = sorted(channel for channel, count in posts.items() if count > 1)
    assert not missing, f"{len(missing)} channel(s) got no check-in, e.g. {missing[:3]}"
    assert not doubled, f"{len(doubled)} channel(s) got more than one, e.g. {doubled[:3]}"


async def sign_up(replica: Replica, fake: FakeSlack, person: str) -> None:
    opened = len(fake.calls_to("views.open"))
    await replica.slack.command("/debrief", "volunteer", user_id=person)
    await fake.wait_for("views.open", count=opened + 1, timeout=10)
    reply = await replica.slack.view_submission(
        "volunteer_form", volunteer_values(), user_id=person
    )
    assert reply.status == 200 and reply.text == "", reply.text


async def ask_for_a_debrief(replica: Replica, fake: FakeSlack) -> str:
    """/debrief and submit the form; the peer it was offered to."""
    opened = len(fake.calls_to("views.open"))
    await replica.slack.command("/debrief", "", user_id=ASKER)
    await fake.wait_for("views.open", count=opened + 1, timeout=10)
    reply = await replica.slack.view_submission("debrief_form", request_values(), user_id=ASKER)
    assert reply.status == 200

    def offered() -> list[str]:
        return [peer for peer in PEERS if offers_to(fake, peer)]

    await wait_for_calls(fake, "chat.postMessage", lambda: bool(offered()), 10, "an offer")
    [peer] = offered()
    return peer


async def answered_checkin(replica: Replica, fake: FakeSlack) -> ApiCall:
    """/checkin now in the team channel, answered by six members; the check-in's message."""
    fake.members[TEAM] = [*ANSWERERS, SUPERVISOR]
    post = await post_checkin(replica, fake, TEAM)
    for person in ANSWERERS:
        assert await click(replica, fake, post, person) in CATALOG.variants("pulse.ack.middle")
    return post


async def test_an_open_offer_and_an_open_checkin_outlive_the_replica_that_made_them(
    fake_slack: FakeSlack, postgres_url: str, tmp_path: Path
) -> None:
    settings = {
        "CHECKIN_WINDOW_SECONDS": str(WINDOW_SECONDS),
        "DEBRIEF_OFFER_TIMEOUT_SECONDS": str(OFFER_SECONDS),
        "SUPERVISOR_USER_IDS": SUPERVISOR,
    }
    async with replicas(fake_slack, postgres_url, tmp_path, **settings) as started:
        maker = await started.start("a")
        other = await started.start("b")
        for peer in PEERS:
            await sign_up(maker, fake_slack, peer)
        first = await ask_for_a_debrief(maker, fake_slack)
        # The answers come after the offer, so its maker has long noted where the offer is.
        post = await answered_checkin(maker, fake_slack)
        maker.kill()
        after_kill = len(fake_slack.calls)

        [second] = [p for p in PEERS if p != first]
        await wait_for_calls(
            fake_slack, "chat.postMessage", lambda: bool(offers_to(fake_slack, second)), 60, "offer"
        )
        expired = updates_in(fake_slack, first)
        assert expired and CATALOG.text("debriefs.offer.expired") in expired[-1].params["text"]

        closed_line = CATALOG.text("checkin.closed_line")

        def closed() -> bool:
            return any(
                call.params.get("ts") == post.response["ts"] and closed_line in str(call.params)
                for call in fake_slack.calls_to("chat.update")
            )

        await wait_for_calls(fake_slack, "chat.update", closed, WINDOW_SECONDS + 45, "it closed")
        assert all(c in fake_slack.calls[after_kill:] for c in offers_to(fake_slack, second))

        replied = len(fake_slack.response_posts)
        await other.slack.command("/pulse", "", user_id=SUPERVISOR, channel_id=TEAM)
        [summary] = (await fake_slack.wait_for_response_posts(replied + 1, timeout=10))[replied:]
        pending = CATALOG.text("summaries.pending", period=IsoWeek.of(datetime.now(UTC)).label)
        assert pending in str(summary.body), "the other replica reads the week (shown once over)"
        assert await other.stop() == 0, other.log
        logs = maker.log + other.log
    for person in (*ANSWERERS, ASKER, *PEERS):
        assert person not in logs, "no one is named in either replica's log"
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as conn:
            markers = await conn.scalar(text("SELECT count(*) FROM pulse_participants"))
            counted = await conn.scalar(text("SELECT sum(responses) FROM pulse_counts"))
    finally:
        await engine.dispose()
    assert markers == 0, "the closed check-in's markers are gone"
    assert counted == len(ANSWERERS), "the other replica closed it with every answer kept"
