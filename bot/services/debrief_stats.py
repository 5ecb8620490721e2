"""What is left of debriefs after retention: monthly counts for supervisors, nothing personal."""

import logging
from datetime import timedelta

from bot.clock import Clock
from bot.domain.debriefs import MonthCount
from bot.domain.workspaces import WorkspaceRef
from bot.errors import BotError
from bot.messages import Card, Paragraph
from bot.ports import UnitOfWorkFactory
from prompts import Catalog

logger = logging.getLogger(__name__)

STATS_MONTHS = 6


class DebriefStatsService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        supervisors: frozenset[str],
        minimum: int,
        retention: timedelta,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._supervisors = supervisors
        self._minimum = minimum
        self._retention = retention

    async def monthly(self, workspace: WorkspaceRef, person: str) -> Card:
        """Requests, matched, unmatched and the median wait per month; small months hidden."""
        if person not in self._supervisors:
            raise BotError("debriefs.stats.refuse")
        since = self._clock.now() - timedelta(days=31 * STATS_MONTHS)
        async with self._uow() as uow:
            months = await uow.debriefs.months(workspace, since)
        title = self._catalog.text("debriefs.stats.title")
        lines = [self._line(month) for month in reversed(months)] or [
            self._catalog.text("debriefs.stats.none")
        ]
        return Card(text=title, parts=(Paragraph(title), Paragraph("\n".join(lines))))

    async def forget_old(self) -> None:
        """Who talked to whom goes DEBRIEF_RETENTION_DAYS after closing; counts stay."""
        async with self._uow() as uow:
            forgotten = await uow.debriefs.forget_before(self._clock.now() - self._retention)
            await uow.commit()
        if forgotten:
            logger.info("retention: forgot who took part in %d debrief requests", forgotten)

    def _line(self, month: MonthCount) -> str:
        if month.requests < self._minimum:
            return self._catalog.text("debriefs.stats.hidden", month=month.month)
        wait = month.median_wait
        median = (
            self._catalog.text("debriefs.stats.minutes", count=str(round(wait / 60)))
            if wait is not None
            else self._catalog.text("debriefs.stats.no_wait")
        )
        return self._catalog.text(
            "debriefs.stats.month_line",
            month=month.month,
            requests=str(month.requests),
            matched=str(month.matched),
            unmatched=str(month.unmatched),
            median=median,
        )
