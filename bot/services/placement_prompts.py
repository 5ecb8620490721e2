"""The placement track's weekly prompts, its retention, and the one number supervisors see."""

import logging
import uuid
from datetime import date, timedelta

from bot.config.allow_list import AllowList
from bot.domain.placements import Placement, count_band, iso_week
from bot.domain.reports import WORKSPACE_WIDE, PulseView, ViewKind
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Messenger, Roles
from bot.ports.pulse_records import HistoryEraser
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.placement_cards import PlacementCards

logger = logging.getLogger(__name__)

# A placement's rows are deleted this long after its last day: time for the last week's
# prompt and for a student to share something from it, and no longer.
PLACEMENT_RETENTION = timedelta(days=14)


class PlacementPrompts:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        cards: PlacementCards,
        messenger: Messenger,
        eraser: HistoryEraser,
        roles: Roles,
        minimum: int,
        allowed: AllowList | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cards = cards
        self._messenger = messenger
        self._eraser = eraser
        self._roles = roles
        self._minimum = minimum
        self._allowed = allowed or AllowList()  # the workspaces served (all when None)

    async def send_due(self) -> int:
        """Send every week's prompts whose local time has passed, each week once (claimed)."""
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.placements.confirmed_running(now.date())
        running = self._allowed.serving("placement prompts", found, lambda p: p.workspace)
        sent = 0
        for placement in running:
            monday = placement.due_week(now)
            if monday is None:
                continue
            async with self._uow() as uow:
                # Claimed before sending, so restarts and replicas never send a week twice.
                if await uow.placements.get(placement.id) is None:
                    continue  # stopped a moment ago
                claimed = await uow.placements.claim_week(placement.id, iso_week(monday))
                await uow.commit()
            if claimed:
                await self._send_week(placement, placement.week_index(monday))
                sent += 1
        if sent:
            logger.info("placement prompts sent: %d", sent)
        return sent

    async def forget_ended(self) -> int:
        """Delete placements that ended more than PLACEMENT_RETENTION ago, with their claims."""
        cutoff: date = (self._clock.now() - PLACEMENT_RETENTION).date()
        async with self._uow() as uow:
            forgotten = await uow.placements.forget_ended_before(cutoff)
            await uow.commit()
        if forgotten:
            await self._eraser.erase()  # when busy, the eraser retries it by itself
            logger.info("ended placements deleted: %d", forgotten)
        return forgotten

    async def count_line(self, workspace: WorkspaceRef, person: str) -> tuple[Card, ...]:
        """For a supervisor: a band of how many placements are active; the look is logged.

        Nothing else about placements reaches a summary: no names, no dates, no prompts.
        """
        if not await self._roles.holds(workspace, person, Role.SUPERVISOR):
            return ()
        now = self._clock.now()
        look = PulseView(
            str(uuid.uuid4()), workspace, person, WORKSPACE_WIDE, ViewKind.PLACEMENTS, now
        )
        async with self._uow() as uow:
            count = await uow.placements.count_active(workspace, now.date())
            await uow.views.record(look)
            await uow.commit()
        band = count_band(count, self._minimum)
        if band.low == 0:
            return (self._cards.plain("count.few", minimum=str(self._minimum)),)
        if band.high is None:
            return (self._cards.plain("count.many", low=str(band.low)),)
        return (self._cards.plain("count.band", low=str(band.low), high=str(band.high)),)

    async def _send_week(self, placement: Placement, week: int) -> None:
        workspace = placement.workspace
        student = self._messenger.mention_person(workspace, placement.student)
        for person, card in (
            (placement.student, self._cards.for_student(placement, week)),
            (placement.instructor, self._cards.for_instructor(placement, week, student)),
        ):
            try:
                await self._messenger.send_direct(workspace, person, card)
            except ConversationUnavailable as gone:
                logger.warning("a placement prompt could not be delivered (%s)", gone.reason)
