"""Posting scheduled check-ins and reminders exactly once, late within grace, or skipped."""

import asyncio
import logging
import random
from dataclasses import replace
from datetime import datetime, timedelta

from bot.config.allow_list import AllowList
from bot.domain.checkins import Checkin
from bot.domain.schedules import (
    ClaimedRun,
    RunStatus,
    Schedule,
    ScheduleKind,
    plan_runs,
    run_key,
)
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Messenger
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from bot.services.checkins import CheckinCards
from bot.services.schedules import reminder_name
from prompts import Catalog

logger = logging.getLogger(__name__)

# How far back a run is looked for after downtime; older runs are not worth recording.
LOOKBACK = timedelta(days=8)
# Runs in progress at once in one replica: enough to keep posts flowing at the platform's
# pace, few enough that a replica dying mid fan-out leaves only a handful half-done.
FANOUT_WORKERS = 16


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
        lease: timedelta,
        allowed: AllowList | None = None,
    ) -> None:
        """`lease`: how long a claimed run may stay unfinished before another replica
        takes it over (far longer than a healthy run takes). `allowed`: the workspaces
        served (all when None)."""
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._cards = cards
        self._messenger = messenger
        self._wakeups = wakeups
        self._grace = grace
        self._lease = lease
        self._workers = asyncio.Semaphore(FANOUT_WORKERS)
        self._allowed = allowed or AllowList()

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
        """The sweep: runs a dead replica left unfinished, then every schedule's due run.

        Schedules run several at once (FANOUT_WORKERS); the messenger paces the posts.
        """
        await self.take_over_stale()
        async with self._uow() as uow:
            active = await uow.schedules.active()
        served = self._allowed.serving("schedules", active, lambda schedule: schedule.workspace)
        ids = [schedule.id for schedule in served]
        # Each replica in its own order: two sweeping at once rarely meet on one schedule.
        random.shuffle(ids)
        await asyncio.gather(*(self._run_logged(schedule_id) for schedule_id in ids))

    async def _run_logged(self, schedule_id: str) -> None:
        try:
            await self.run_due(schedule_id)
        except Exception:
            logger.exception("a scheduled run failed")

    async def run_due(self, schedule_id: str) -> None:
        """Post this schedule's due run once; record older or too-late runs as skipped.

        A run is claimed only once a worker is free for it, so a claim is held for seconds
        and the lease measures a dead replica, not a long queue.
        """
        async with self._workers:
            now = self._clock.now()
            async with self._uow() as uow:
                schedule = await uow.schedules.get(schedule_id)
                if schedule is None or schedule.paused:
                    return
                if not self._allowed.allows(schedule.workspace):
                    logger.info("skipped a scheduled run: not on the allow-list")
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
                    await uow.schedules.claim_run(schedule_id, fire_at, RunStatus.SKIPPED, now)
                claimed = to_post is not None and await uow.schedules.claim_run(
                    schedule_id, to_post, RunStatus.CLAIMED, now
                )
                if to_post is not None and claimed:
                    # Claimed and composed in one transaction: one write fewer per run.
                    card, checkin = await self._compose_run(uow, schedule, to_post)
                await uow.commit()
            if to_skip:
                logger.info("skipped %d run(s) missed beyond the grace period", len(to_skip))
            if to_post is not None and claimed:
                await self._send(schedule, to_post, card, checkin)

    async def take_over_stale(self) -> None:
        """Finish runs claimed longer than the lease ago: the replica holding them died.

        A run that was never handed to the platform is posted. One that was ("sending")
        may have arrived: the platform is asked first, and it is posted only if not found.
        """
        now = self._clock.now()
        async with self._uow() as uow:
            stale = await uow.schedules.stale_claims(now - self._lease)
        for run in stale:
            async with self._workers:
                async with self._uow() as uow:
                    taken = await uow.schedules.take_over(run, now)
                    schedule = await uow.schedules.get(run.schedule_id)
                    await uow.commit()
                if taken and schedule is not None:
                    try:
                        await self._resume(run, schedule)
                    except Exception:
                        logger.exception("could not take over a scheduled run")

    async def _resume(self, run: ClaimedRun, schedule: Schedule) -> None:
        found = None
        if run.status is RunStatus.SENDING and schedule.conversation is not None:
            found = await self._messenger.find_posted(
                schedule.workspace, schedule.conversation, run.key
            )
        too_late = run.fire_at + self._grace < self._clock.now()
        if found is None and not (schedule.paused or too_late):
            await self._discard(run.checkin_id)
            await self._deliver(schedule, run.fire_at)
            return
        async with self._uow() as uow:
            if found is not None and run.checkin_id is not None:
                await uow.checkins.set_message(run.checkin_id, found)
            elif run.checkin_id is not None:
                await uow.checkins.discard_unposted(run.checkin_id)
            status = RunStatus.POSTED if found is not None else RunStatus.SKIPPED
            await uow.schedules.finish_run(run.schedule_id, run.fire_at, status)
            await uow.commit()

    async def _discard(self, checkin_id: str | None) -> None:
        """A check-in composed by a replica that died before posting it: nobody saw it."""
        if checkin_id is not None:
            async with self._uow() as uow:
                await uow.checkins.discard_unposted(checkin_id)
                await uow.commit()

    async def _deliver(self, schedule: Schedule, fire_at: datetime) -> None:
        async with self._uow() as uow:
            card, checkin = await self._compose_run(uow, schedule, fire_at)
            await uow.commit()
        await self._send(schedule, fire_at, card, checkin)

    async def _compose_run(
        self, uow: UnitOfWork, schedule: Schedule, fire_at: datetime
    ) -> tuple[Card, Checkin | None]:
        """The run's message, tagged with the run; the run is marked as sending."""
        card, checkin = await self._compose(uow, schedule)
        await uow.schedules.mark_sending(schedule.id, fire_at, checkin.id if checkin else None)
        return replace(card, tag=run_key(schedule.id, fire_at)), checkin

    async def _send(
        self, schedule: Schedule, fire_at: datetime, card: Card, checkin: Checkin | None
    ) -> None:
        """Post the run's message, then record it as posted (or failed) in one transaction."""
        message_id = None
        try:
            if checkin is not None:
                self._wakeups.due_at(checkin.closes_at)
                message_id = await self._messenger.post(
                    checkin.workspace, checkin.conversation, card
                )
            elif schedule.conversation is None:
                await self._messenger.send_direct(schedule.workspace, schedule.owner, card)
            else:
                await self._messenger.post(schedule.workspace, schedule.conversation, card)
            status = RunStatus.POSTED
        except ConversationUnavailable as gone:
            logger.warning("paused a schedule: its conversation is unavailable (%s)", gone.reason)
            await self._pause_and_tell(schedule)
            status = RunStatus.FAILED
        except Exception:
            logger.exception("a scheduled post failed")
            status = RunStatus.FAILED
        # One transaction: the shorter the time between the post and this, the fewer runs
        # a replica dying at that moment leaves for another to look up.
        async with self._uow() as uow:
            if checkin is not None and message_id is not None:
                await uow.checkins.set_message(checkin.id, message_id)
            await uow.schedules.finish_run(schedule.id, fire_at, status)
            await uow.commit()

    async def _compose(self, uow: UnitOfWork, schedule: Schedule) -> tuple[Card, Checkin | None]:
        """The scheduled message; a check-in also returns its record."""
        if schedule.conversation is None:
            header = self._catalog.text(
                "personal.dm_header", label=reminder_name(self._catalog, schedule)
            )
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
