"""What is left of debriefs after retention: monthly counts for supervisors, nothing personal."""

import logging
import uuid
from datetime import timedelta

from bot.domain.debriefs import (
    LONGER_THAN_A_DAY,
    WAIT_BANDS,
    MonthCount,
    finished_months,
    months_in,
)
from bot.domain.reports import WORKSPACE_WIDE, PulseView, ViewKind
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card, Paragraph
from bot.ports.clock import Clock
from bot.ports.platform import Roles
from bot.ports.pulse_records import HistoryEraser
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.errors import BotError
from prompts import Catalog

logger = logging.getLogger(__name__)

STATS_MONTHS = 6
# Wording keys of the wait bands, shortest first (bot.domain.debriefs.WAIT_BANDS).
WAIT_WORDS = dict(
    zip(
        (*WAIT_BANDS, LONGER_THAN_A_DAY),
        ("quarter_hour", "half_hour", "hour", "two_hours", "four_hours", "eight_hours", "day",
         "longer"),
        strict=True,
    )
)  # fmt: skip


class DebriefStatsService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        roles: Roles,
        minimum: int,
        retention: timedelta,
        eraser: HistoryEraser,
    ) -> None:
        self._uow = uow
        self._eraser = eraser
        self._clock = clock
        self._catalog = catalog
        self._roles = roles
        self._minimum = minimum
        self._retention = retention

    async def monthly(self, workspace: WorkspaceRef, person: str) -> Card:
        """Requests, matched, not matched and the typical wait for each finished month, a
        request counted in the month it settled (bot.domain.debriefs.settled_at); the look is
        logged. The running month is never shown: looking before and after an incident would
        tell that someone asked. Every finished month has a line, "too few" down to none, so
        a month with no request is not told from one with a few."""
        if not await self._roles.holds(workspace, person, Role.SUPERVISOR):
            raise BotError("debriefs.stats.refuse")
        now = self._clock.now()
        since, before = finished_months(now, STATS_MONTHS)
        look = PulseView(
            str(uuid.uuid4()), workspace, person, WORKSPACE_WIDE, ViewKind.DEBRIEF_STATS, now
        )
        async with self._uow() as uow:
            months = await uow.debriefs.months(workspace, since, before)
            await uow.views.record(look)
            await uow.commit()
        counted = {month.month: month for month in months}
        lines = [
            self._line(counted.get(label) or MonthCount(label, 0, 0, ()))
            for label in reversed(months_in(since, before))
        ]
        title = self._catalog.text("debriefs.stats.title")
        counting = Paragraph(self._catalog.text("debriefs.stats.counting"))
        return Card(text=title, parts=(Paragraph(title), counting, Paragraph("\n".join(lines))))

    async def forget_old(self) -> None:
        """DEBRIEF_RETENTION_DAYS after closing a request becomes a count: month, matched, wait."""
        async with self._uow() as uow:
            forgotten = await uow.debriefs.forget_before(self._clock.now() - self._retention)
            await uow.commit()
        if forgotten:
            logger.info("retention: %d debrief requests are now only monthly counts", forgotten)
            await self._eraser.erase()  # when busy, the eraser retries it by itself

    def _line(self, month: MonthCount) -> str:
        if month.requests < self._minimum:
            return self._catalog.text("debriefs.stats.hidden", month=month.month)
        wait = month.typical_wait
        median = self._catalog.text(
            "debriefs.stats.no_wait" if wait is None else f"debriefs.stats.wait.{WAIT_WORDS[wait]}"
        )
        return self._catalog.text(
            "debriefs.stats.month_line",
            month=month.month,
            requests=str(month.requests),
            matched=str(month.matched),
            unmatched=str(month.unmatched),
            median=median,
        )
