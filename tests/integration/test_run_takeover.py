"""A run a stopped replica left is taken over by exactly one of the replicas that find it."""

import asyncio
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app import MIGRATIONS
from bot.domain.schedules import Recurrence, RunStatus, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork

NINE = datetime(2026, 11, 30, 9, tzinfo=UTC)
LATER = NINE + timedelta(minutes=5)


async def take_over_all(engine: AsyncEngine) -> int:
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        stale = await uow.schedules.stale_claims(NINE + timedelta(minutes=2))
        taken = [await uow.schedules.take_over(run, LATER) for run in stale]
        await uow.commit()
    return sum(taken)


async def test_two_replicas_finding_a_stale_run_take_it_over_once(database_url: str) -> None:
    engine, other = create_engine(database_url), create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    schedule = Schedule(
        "s1",
        WorkspaceRef("slack", "T1"),
        ScheduleKind.CHECKIN,
        Recurrence(frozenset(range(7)), time(9), "UTC"),
        "U1",
        NINE - timedelta(days=1),
        "C1",
    )
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            await uow.schedules.add(schedule)
            await uow.schedules.claim_run("s1", NINE, RunStatus.CLAIMED, NINE)
            await uow.schedules.claim_run("s1", NINE - timedelta(days=1), RunStatus.POSTED, NINE)
            await uow.commit()
        assert sorted(await asyncio.gather(take_over_all(engine), take_over_all(other))) == [0, 1]
        assert await take_over_all(engine) == 0, "taken over just now: not stale any more"
    finally:
        await engine.dispose()
        await other.dispose()
