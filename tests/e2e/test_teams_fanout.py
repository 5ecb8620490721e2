"""Teams channels due together, against a Bot Connector that enforces Teams' rate limits."""

import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import time, timedelta

import pytest

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.addresses import SqlAddressBook
from bot.storage.engine import create_session_factory
from bot.storage.unit_of_work import SqlUnitOfWork
from handlers.teams.addresses import ConversationAddress
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.e2e.fanout_helpers import NINE
from tests.fakes.teams_connector import FakeBotConnector
from tests.fakes.teams_rate_limits import ConnectorLimits

TENANT = "5b0c8a3e-2f4d-4e6a-8b1c-9d0e1f2a3b4c"
WORKSPACE = WorkspaceRef("teams", TENANT)
# A low tenant budget, so that a few dozen posts meet it (bench/teams_fanout.py runs 1,000
# at Teams' own 50 a second); the per-conversation limits are Teams' own.
BUDGET = 20
CHANNELS = 30
BUSY = "19:busy-channel@thread.tacv2"
BUSY_POSTS = 12  # beyond the 7 a second and 8 in 2 s one conversation takes


@pytest.fixture
async def limited_connector() -> AsyncIterator[FakeBotConnector]:
    fake = FakeBotConnector(rate_limits=ConnectorLimits(tenant_per_second=BUDGET))
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert fake.protocol_errors == []


def channel(i: int) -> str:
    return f"19:channel{i:03d}@thread.tacv2"


async def add_due_at_nine(app: Wellspring, service_url: str) -> None:
    """A check-in at 09:00 in each channel, and reminders at 09:00 in one busy channel."""
    every_day = Recurrence(frozenset(range(7)), time(9, 0), "UTC")
    due = [(channel(i), ScheduleKind.CHECKIN) for i in range(CHANNELS)]
    due += [(BUSY, ScheduleKind.REMINDER)] * BUSY_POSTS
    book = SqlAddressBook(create_session_factory(app.engine))
    for conversation in {c for c, _ in due}:
        address = ConversationAddress(service_url, conversation, "channel", "Check-ins")
        await book.save(WORKSPACE, f"conversation:{conversation}", json.dumps(asdict(address)))
    async with SqlUnitOfWork(create_session_factory(app.engine)) as uow:
        for conversation, kind in due:
            made = NINE - timedelta(days=1)
            await uow.schedules.add(
                Schedule(str(uuid.uuid4()), WORKSPACE, kind, every_day, "owner", made, conversation)
            )
        await uow.commit()


async def test_teams_posts_due_together_keep_under_the_tenant_and_conversation_limits(
    limited_connector: FakeBotConnector, sqlite_database_url: str, clock: MovableClock
) -> None:
    settings = make_teams_settings(
        sqlite_database_url, teams_tenant_id=TENANT, teams_calls_per_second=BUDGET
    )
    app = await start_wellspring(settings, clock)
    try:
        await app.scheduler.run_now(SWEEP_JOB)
        await add_due_at_nine(app, limited_connector.service_url)
        clock.set(NINE + timedelta(seconds=5))
        await app.scheduler.run_now(SWEEP_JOB)
        await app.scheduler.run_now(SWEEP_JOB)  # a second sweep finds nothing left to post
    finally:
        await app.stop()
    posted = Counter(p.conversation for p in limited_connector.sent())
    assert posted == {channel(i): 1 for i in range(CHANNELS)} | {BUSY: BUSY_POSTS}
    limiter = limited_connector.rate_limiter
    assert limiter is not None
    assert limiter.limited == 0, "no call was refused: the app kept to both limits"
