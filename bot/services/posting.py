"""Posting scheduled check-ins and reminders exactly once, late within grace, or skipped."""

import logging
from dataclasses import replace
from datetime import timedelta

from bot.clock import Clock
from bot.domain.checkins import Checkin
from bot.domain.schedules import RunStatus, Schedule, ScheduleKind, plan_runs
from bot.domain.workspaces import WorkspaceRef
from bot.messages import Card
from bot.ports import ConversationUnavailable, Messenger, UnitOfWork, UnitOfWorkFactory, Wakeups
from bot.services.checkins import CheckinCards
from prompts import Catalog

logger = logging.getLogger(__name__)

# How far back a run is looked for after downtime; older runs are not worth recording.
LOOKBACK = timedelta(days=8)


class PostingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        cards: CheckinCards,
        messenger: Messenger,
        wakeups: Wakeups,
        grace: timedelta,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._cards = cards
        self._messenger = messenger
        self._wakeups = wakeups
        self._grace = grace

    async def post_checkin_now(self, workspace: WorkspaceRef, conversation: str) -> Card:
        """Post a check-in right away; the reply to the person who asked for it."""
        async with self._uow() as uow:
            checkin, card = await self._cards.new_checkin(
                uow, workspace, conversation, self._clock.now()
            )
            await uow.commit()
        await self._post_checkin(checkin, card)
        return Card.plain(self._catalog.text("checkin.posted_now"))

    async def _post_checkin(self, checkin: Checkin, card: Card) -> None:
        """Post, remember the message (to close it later), and wake when its window ends."""
        self._wakeups.due_at(checkin.closes_at)
        message_id = await self._messenger.post(checkin.workspace, checkin.conversation, card)
        async with self._uow() as uow:
            await uow.checkins.set_message(checkin.id, message_id)
            await uow.commit()

    async def run_all_due(self) -> None:
        """The sweep: catches runs missed during downtime or by a late wake-up."""
        async with self._uow() as uow:
            ids = [schedule.id for schedule in await uow.schedules.active()]
        for schedule_id in ids:
            try:
                await self.run_due(schedule_id)
            except Exception:
                logger.exception("a scheduled run failed")

    async def run_due(self, schedule_id: str) -> None:
        """Post this schedule's due run once; record older or too-late runs as skipped."""
        now = self._clock.now()
        async with self._uow() as uow:
            schedule = await uow.schedules.get(schedule_id)
            if schedule is None or schedule.paused:
                return
            last = await uow.schedules.last_fire_at(schedule_id)
            since = max(last or schedule.created_at, now - LOOKBACK)
            # The agency's days off are skipped like the schedule's own skip dates.
            days_off = await uow.holidays.days(schedule.workspace)
            recurrence = replace(
                schedule.recurrence, skip_dates=schedule.recurrence.skip_dates | days_off
            )
            to_post, to_skip = plan_runs(recurrence, since, now, self._grace)
            for fire_at in to_skip:
                await uow.schedules.claim_run(schedule_id, fire_at, RunStatus.SKIPPED)
            claimed = to_post is not None and await uow.schedules.claim_run(
                schedule_id, to_post, RunStatus.CLAIMED
            )
            await uow.commit()
        if to_skip:
            logger.info("skipped %d run(s) missed beyond the grace period", len(to_skip))
        if to_post is None or not claimed:
            return
        status = await self._deliver(schedule)
        async with self._uow() as uow:
            await uow.schedules.finish_run(schedule_id, to_post, status)
            await uow.commit()

    async def _deliver(self, schedule: Schedule) -> RunStatus:
        try:
            async with self._uow() as uow:
                card, checkin = await self._compose(uow, schedule)
                await uow.commit()
            if checkin is not None:
                await self._post_checkin(checkin, card)
            elif schedule.conversation is None:
                await self._messenger.send_direct(schedule.workspace, schedule.owner, card)
            else:
                await self._messenger.post(schedule.workspace, schedule.conversation, card)
        except ConversationUnavailable as gone:
            logger.warning("paused a schedule: its conversation is unavailable (%s)", gone.reason)
            await self._pause_and_tell(schedule)
            return RunStatus.FAILED
        except Exception:
            logger.exception("a scheduled post failed")
            return RunStatus.FAILED
        return RunStatus.POSTED

    async def _compose(self, uow: UnitOfWork, schedule: Schedule) -> tuple[Card, Checkin | None]:
        """The scheduled message; a check-in also returns its record."""
        if schedule.conversation is None:
            header = self._catalog.text("personal.dm_header", label=schedule.label or "")
            reminder = await self._cards.new_reminder(
                uow, schedule.workspace, schedule.owner, header
            )
            return reminder, None
        if schedule.kind is ScheduleKind.CHECKIN:
            checkin, card = await self._cards.new_checkin(
                uow, schedule.workspace, schedule.conversation, self._clock.now()
            )
            return card, checkin
        header = self._catalog.text("reminders.header")
        reminder = await self._cards.new_reminder(
            uow, schedule.workspace, schedule.conversation, header
        )
        return reminder, None

    async def _pause_and_tell(self, schedule: Schedule) -> None:
        async with self._uow() as uow:
            await uow.schedules.set_paused(schedule.id, True)
            await uow.commit()
        kind = self._catalog.text(f"schedules.kind_{schedule.kind.value}")
        note = self._catalog.text(
            "schedules.not_in_channel",
            channel=self._messenger.mention(schedule.workspace, schedule.conversation or ""),
            kind=kind,
        )
        try:
            await self._messenger.send_direct(schedule.workspace, schedule.owner, Card.plain(note))
        except Exception:
            logger.exception("could not tell a schedule's creator that it was paused")
