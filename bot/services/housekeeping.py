"""The daily retention sweep: every table's rows past their time go (bot/storage/retention.py)."""

import logging
from datetime import timedelta

from bot.domain.retention import Limits
from bot.ports.clock import Clock
from bot.ports.pulse_records import HistoryEraser
from bot.ports.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)


class Housekeeping:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        pulses: timedelta,
        audit: timedelta,
        eraser: HistoryEraser,
    ) -> None:
        self._uow, self._clock, self._eraser = uow, clock, eraser
        self._pulses, self._audit = pulses, audit

    async def sweep(self) -> dict[str, int]:
        """Delete what is past its time, then wipe the freed pages; rows deleted per table."""
        limits = Limits(self._clock.now(), self._pulses, self._audit)
        async with self._uow() as uow:
            deleted = await uow.retention.sweep(limits)
            await uow.commit()
        if deleted:
            # Table names and counts only: nothing about whom the rows were.
            counts = ", ".join(f"{table} {count}" for table, count in sorted(deleted.items()))
            logger.info("retention sweep deleted rows: %s", counts)
            await self._eraser.erase()  # when busy, the eraser retries it by itself
        return deleted
