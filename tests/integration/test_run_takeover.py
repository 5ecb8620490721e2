"""A run a stopped replica left is taken over by exactly one of the replicas that find it."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.schedules import ClaimedRun, Recurrence, RunStatus, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork

NINE = datetime(2026, 11, 30, 9, tzinfo=UTC)
LATER = NINE + timedelta(minutes=5)


async def stale(engine: AsyncEngine) -> list[ClaimedRun]:
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        return await uow.schedules.stale_claims(NINE + timedelta(minutes=2))


async def take_over(engine: AsyncEngine, runs: list[ClaimedRun], at: datetime) -> int:
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        taken = [await uow.schedules.take_over(run, at) for run in runs]
        await uow.commit()
    return sum(taken)


def daily(schedule_id: str) -> Schedule:
    return Schedule(
        schedule_id,
        WorkspaceRef("slack", "T1"),
        ScheduleKind.CHECKIN,
        Recurrence(frozenset(range(7)), time(9), "UTC"),
        "U1",
        NINE - timedelta(days=1),
        "C1",
    )


async def test_two_replicas_finding_a_stale_run_take_it_over_once(database_url: str) -> None:
    engine, other = create_engine(database_url), create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    schedule = daily("s1")
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            await uow.schedules.add(schedule)
            await uow.schedules.claim_run("s1", NINE, RunStatus.CLAIMED, NINE)
            await uow.schedules.claim_run("s1", NINE - timedelta(days=1), RunStatus.POSTED, NINE)
            await uow.commit()
        # The race, step by step: both replicas read the same stale run before either
        # writes, then each tries to take it over. Only the first may; the second's
        # claim is the lost update the compare-and-set on claimed_at prevents.
        seen_by_one, seen_by_other = await stale(engine), await stale(other)
        assert len(seen_by_one) == len(seen_by_other) == 1
        assert await take_over(engine, seen_by_one, LATER) == 1
        assert await take_over(other, seen_by_other, LATER + timedelta(seconds=1)) == 0
        assert await stale(engine) == [], "taken over just now: not stale any more"
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            [again] = await uow.schedules.stale_claims(LATER + timedelta(minutes=2))
        assert again.claimed_at == LATER, "if the new claimant stops too, the run is found again"
    finally:
        await engine.dispose()
        await other.dispose()


async def test_stale_runs_come_oldest_claim_first_and_the_lease_is_not_yet_over_at_its_end(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    lease_end, tomorrow = NINE + timedelta(minutes=2), NINE + timedelta(days=1)
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            for schedule_id in ("newer", "older", "edge"):
                await uow.schedules.add(daily(schedule_id))
            # Stored newest first, so the order found is the query's, not the table's.
            await uow.schedules.claim_run("newer", NINE, RunStatus.SENDING, tomorrow)
            await uow.schedules.claim_run("older", NINE, RunStatus.CLAIMED, NINE)
            await uow.schedules.claim_run("edge", NINE, RunStatus.CLAIMED, lease_end)
            await uow.commit()
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            found = await uow.schedules.stale_claims(tomorrow + timedelta(minutes=1))
            at_the_edge = await uow.schedules.stale_claims(lease_end)
        assert [run.schedule_id for run in found] == ["older", "edge", "newer"]
        assert [run.schedule_id for run in at_the_edge] == ["older"], "claimed at the end: live"
    finally:
        await engine.dispose()
