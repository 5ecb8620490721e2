"""A delivery id takes effect once per workspace, even when replicas race for it."""

import asyncio
from datetime import UTC, datetime, timedelta

from bootstrap import MIGRATIONS
from bot.domain.workspaces import WorkspaceRef
from bot.services.deliveries import DeliveryService
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.support.clocks import FixedClock

NORTH = WorkspaceRef("slack", "T0NORTH")
SOUTH = WorkspaceRef("slack", "T0SOUTH")


async def test_a_delivery_is_claimed_once_per_workspace(database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    sessions = create_session_factory(engine)
    clock = FixedClock(datetime(2026, 11, 26, 9, tzinfo=UTC))
    service = DeliveryService(lambda: SqlUnitOfWork(sessions), clock)
    try:
        assert await service.record_delivery(NORTH, "Ev1") is True
        assert await service.record_delivery(NORTH, "Ev1") is False
        assert await service.record_delivery(SOUTH, "Ev1") is True

        # Two replicas (two engines) racing for the same new delivery: exactly one wins.
        other = create_engine(database_url)
        replica = DeliveryService(lambda: SqlUnitOfWork(create_session_factory(other)), clock)
        results = await asyncio.gather(
            *(s.record_delivery(NORTH, f"Ev{n}") for n in range(2, 12) for s in (service, replica))
        )
        await other.dispose()
        assert sum(results) == 10

        clock.current += timedelta(days=2)
        assert await service.forget_old_deliveries() == 12
        assert await service.record_delivery(NORTH, "Ev1") is True
    finally:
        await engine.dispose()
