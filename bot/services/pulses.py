"""Recording pulse answers (counted once, tied to no one) and closing check-in windows."""

import hashlib
import hmac
import logging
import random
from datetime import datetime, timedelta

from bot.actions import Action
from bot.clock import Clock
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.pulses import LATE_LEVELS
from bot.domain.workspaces import WorkspaceRef
from bot.messages import Button, ButtonRow, Card, Paragraph, Part
from bot.ports import Directory, Messenger, UnitOfWorkFactory
from prompts import Catalog

logger = logging.getLogger(__name__)


class PulseService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        messenger: Messenger,
        directory: Directory,
        supervisors: frozenset[str],
        resources: str | None,
        retention: timedelta,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._messenger = messenger
        self._directory = directory
        self._supervisors = supervisors
        self._resources = resources or catalog.text("pulse.resources_default")
        self._retention = retention

    async def record(
        self, workspace: WorkspaceRef, checkin_id: str, person: str, answer: str
    ) -> Card:
        """Count one answer per person per check-in; the reply is the only trace of which."""
        try:
            level = PulseLevel(answer)
        except ValueError:
            return self._plain("pulse.unknown")
        async with self._uow() as uow:
            checkin = await uow.checkins.get(checkin_id)
            if checkin is None or checkin.workspace != workspace:
                return self._plain("pulse.unknown")
            key = await uow.checkins.participation_key(checkin_id)
            if key is None or not checkin.is_open(self._clock.now()):
                return self._plain("pulse.closed")
            marker = hmac.new(key, person.encode(), hashlib.sha256).hexdigest()
            if not await uow.pulses.mark_participant(checkin_id, marker):
                return self._plain("pulse.already_answered")
            await uow.pulses.count(checkin_id, level)
            await uow.commit()
        return self.acknowledge(level)

    def acknowledge(self, level: PulseLevel) -> Card:
        """The private reply fitted to the answer: support is offered for the late stages."""
        words = random.choice(self._catalog.variants(f"pulse.ack.{level.value}"))
        if level not in LATE_LEVELS:
            return Card.plain(words)
        debrief = Button(self._catalog.text("pulse.ack.debrief_button"), Action.PULSE_DEBRIEF)
        parts: list[Part] = [
            Paragraph(words),
            ButtonRow((debrief,)),
            Paragraph(f"{self._catalog.text('pulse.ack.resources_header')}\n{self._resources}"),
        ]
        return Card(text=words, parts=tuple(parts))

    async def close_due(self) -> datetime | None:
        """Close every check-in whose window has ended; the next closing time, if any."""
        async with self._uow() as uow:
            due = await uow.checkins.due_to_close(self._clock.now())
        for checkin in due:
            try:
                await self._close(checkin)
            except Exception:
                logger.exception("a check-in could not be closed; the next sweep retries")
        async with self._uow() as uow:
            return await uow.checkins.next_closing()

    async def forget_old_pulses(self) -> None:
        """Delete check-ins (with their counts) and audit lines past the retention period."""
        cutoff = self._clock.now() - self._retention
        async with self._uow() as uow:
            checkins = await uow.checkins.forget_before(cutoff)
            views = await uow.views.forget_before(cutoff)
            await uow.commit()
        if checkins or views:
            logger.info("retention: deleted %d check-ins and %d audit lines", checkins, views)

    async def _close(self, checkin: Checkin) -> None:
        present = await self._supervisors_present(checkin)
        async with self._uow() as uow:
            if not await uow.checkins.close(checkin.id):
                return  # another replica closed it
            await uow.checkins.note_supervisors(checkin.id, present)
            await uow.commit()
        if checkin.message_id is None:
            return
        closed = Card.plain(self._catalog.text("checkin.closed_line"))
        try:
            await self._messenger.update(
                checkin.workspace, checkin.conversation, checkin.message_id, closed
            )
        except Exception:
            logger.warning("could not mark a closed check-in's message as closed")

    async def _supervisors_present(self, checkin: Checkin) -> frozenset[str]:
        """Supervisors in the channel now: they could have answered, so they need one more.

        If the platform can't say, every supervisor is treated as present: stricter.
        """
        if not self._supervisors:
            return frozenset()
        try:
            members = await self._directory.members(checkin.workspace, checkin.conversation)
        except Exception:
            return self._supervisors
        return self._supervisors & members

    def _plain(self, key: str) -> Card:
        return Card.plain(self._catalog.text(key))
