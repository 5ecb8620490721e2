"""Exactly-once handling of inbound deliveries that a platform may retry."""

from datetime import timedelta

from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from bot.ports.unit_of_work import UnitOfWorkFactory

# Platforms retry a delivery for about an hour at most; a day leaves a wide margin.
DELIVERY_MEMORY = timedelta(days=1)


class DeliveryService:
    """Records delivery ids in the database, so retries are ignored across replicas."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def record_delivery(self, workspace: WorkspaceRef, delivery_id: str) -> bool:
        """True if this delivery is new and should take effect."""
        async with self._uow() as uow:
            first = await uow.deliveries.claim(workspace, delivery_id, self._clock.now())
            await uow.commit()
        return first

    async def forget_old_deliveries(self) -> int:
        async with self._uow() as uow:
            removed = await uow.deliveries.forget_before(self._clock.now() - DELIVERY_MEMORY)
            await uow.commit()
        return removed
