"""Recording pulse answers (counted once, tied to no one) and closing check-in windows."""

import logging
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.config.allow_list import AllowList
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.participation import participation_markers
from bot.domain.periods import Month, key_names, period_markers
from bot.domain.pulses import LATE_LEVELS, IsoWeek
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action
from bot.outgoing.messages import Button, ButtonRow, Card, Paragraph
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Messenger
from bot.ports.pulse_records import ClickLedger, HistoryEraser
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.membership import ChannelMembers
from bot.services.safety import SafetyWords
from prompts import Catalog

logger = logging.getLogger(__name__)

# Check-ins whose team and window are remembered, so most clicks skip reading them.
KNOWN_CHECKINS = 1024


class PulseService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ledger: ClickLedger,
        clock: Clock,
        catalog: Catalog,
        messenger: Messenger,
        members: ChannelMembers,
        eraser: HistoryEraser,
        secrets: Sequence[bytes],
        resources: str | None,
        retention: timedelta,
        crisis: str | None = None,
        allowed: AllowList | None = None,
        minimum: int = 5,
    ) -> None:
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._catalog = catalog
        self._messenger = messenger
        self._members = members
        self._eraser = eraser
        # A workspace no longer served: its check-ins still close, its cards are left alone.
        self._allowed = allowed or AllowList()
        self._secrets = tuple(secrets)
        self._keys = key_names(self._secrets)  # which secret made each period marker
        # `resources` is the agency's support text (None: the default); crisis is its crisis text.
        self._safety = SafetyWords(catalog, crisis=crisis, support=resources)
        self._retention = retention
        self._minimum = minimum  # PULSE_MIN_RESPONSES: which weeks a settling month hides
        self._known: dict[str, Checkin] = {}

    async def record(
        self, workspace: WorkspaceRef, checkin_id: str, person: str, answer: str
    ) -> Card:
        """Count one answer per member per check-in; the reply is the only trace of which."""
        try:
            level = PulseLevel(answer)
        except ValueError:
            return self._plain("pulse.unknown")
        try:
            return await self._count(workspace, checkin_id, person, level)
        except Exception as error:
            # The database is away, or went away mid-way: say so, so that no answer is lost
            # in silence. Nothing was committed, or the second click is "already answered".
            # Only the failure's kind is logged: never who clicked, nor what.
            logger.warning(
                "a pulse answer could not be counted (%s); the person was asked to click again",
                type(error).__name__,
            )
            return self._plain("pulse.not_counted")

    async def _count(
        self, workspace: WorkspaceRef, checkin_id: str, person: str, level: PulseLevel
    ) -> Card:
        checkin = await self._checkin(checkin_id)
        if checkin is None or checkin.workspace != workspace:
            return self._plain("pulse.unknown")
        if not checkin.is_open(self._clock.now()):
            return self._plain("pulse.closed")
        refusal = await self._not_a_member(checkin, person)
        if refusal is not None:
            return refusal
        week = IsoWeek.of(checkin.posted_at)
        team, secrets = checkin.conversation, self._secrets
        answer = Answer(
            checkin_id,
            level,
            participation_markers(secrets, checkin_id, workspace.key, person),
            workspace.key,
            team,
            week,
            period_markers(secrets, workspace.key, team, Month.of(week), person),
            self._keys,
        )
        outcome = await self._ledger.count_answer(answer)
        if outcome is Outcome.CLOSED:
            return self._plain("pulse.closed")
        if outcome is Outcome.ALREADY:
            return self._plain("pulse.already_answered")
        return self.acknowledge(level)

    def acknowledge(self, level: PulseLevel) -> Card:
        """The private reply fitted to the answer: support is offered for the late stages.

        A late-stage reply opens with the fixed crisis line, then the reply and the peer
        button; the agency's crisis text (if set) and support follow. Built from the catalogue
        alone, so the click path reads nothing more than before.
        """
        words = random.choice(self._catalog.variants(f"pulse.ack.{level.value}"))
        if level not in LATE_LEVELS:
            return Card.plain(words)
        debrief = Button(self._catalog.text("pulse.ack.debrief_button"), Action.PULSE_DEBRIEF)
        header = self._catalog.text("pulse.ack.resources_header")
        parts = self._safety.support_parts(header, Paragraph(words), ButtonRow((debrief,)))
        return Card(text=words, parts=parts)  # the notification: the reply itself

    async def close_due(self) -> datetime | None:
        """Close every check-in whose window has ended; the next time this should run."""
        async with self._uow() as uow:
            due = await uow.checkins.due_to_close(self._clock.now())
        closed = False  # pragma: no mutate (True only adds a wipe)
        for checkin in due:
            try:
                closed = await self._close(checkin) or closed
            except Exception:
                logger.exception("a check-in could not be closed; the next sweep retries")
        if closed:
            await self._eraser.wipe_windows()  # when busy, the eraser retries it by itself
        await self.settle_periods()
        async with self._uow() as uow:
            return await uow.checkins.next_closing()

    async def settle_periods(self) -> None:
        """Count the people of weeks that are over; wipe the markers of settled months."""
        try:
            async with self._uow() as uow:
                wiped = await uow.periods.settle(self._clock.now(), self._minimum, self._keys)
                await uow.commit()
        except Exception:
            logger.exception("weeks could not be settled; the next sweep retries")
            return
        if wiped:
            await self._eraser.wipe_periods()  # when busy, the eraser retries it by itself

    async def forget_old_pulses(self) -> None:
        """Delete check-ins (with their counts) and audit lines past the retention period.

        Whole months only: the cutoff goes back to the start of its month, so no shown week or
        month ever loses some of its check-ins and keeps showing the rest (the difference
        would be the lost ones). The audit lines name supervisors: their pages are wiped.
        """
        cutoff = self._clock.now() - self._retention
        whole_months = Month.of(IsoWeek.of(cutoff)).starts_at
        async with self._uow() as uow:
            checkins = await uow.checkins.forget_before(whole_months)
            views = await uow.views.forget_before(cutoff)
            await uow.periods.forget_before(whole_months)
            await uow.commit()
        if checkins or views:
            logger.info("retention: deleted %d check-ins and %d audit lines", checkins, views)
        if views:
            await self._eraser.erase()  # when busy, the eraser retries it by itself

    async def _checkin(self, checkin_id: str) -> Checkin | None:
        """The check-in, read once: its team and window never change, and whether it is
        still open is asked again under lock when the answer is counted."""
        if (known := self._known.get(checkin_id)) is not None:
            return known
        async with self._uow() as uow:
            checkin = await uow.checkins.get(checkin_id)
        if checkin is not None:
            if len(self._known) >= KNOWN_CHECKINS:  # pragma: no mutate (equivalent)
                del self._known[next(iter(self._known))]  # the oldest
            self._known[checkin_id] = checkin
        return checkin

    async def _not_a_member(self, checkin: Checkin, person: str) -> Card | None:
        """Only the team's members count, so no one from outside can pad or skew a count."""
        try:
            if await self._members.includes(checkin.workspace, checkin.conversation, person):
                return None
        except ConversationUnavailable:
            return self._plain("pulse.unknown")
        except Exception:
            logger.warning("could not check channel membership; the person was asked to retry")
            return self._plain("pulse.try_again")
        return self._plain("pulse.not_member")

    async def _close(self, checkin: Checkin) -> bool:
        async with self._uow() as uow:
            if not await uow.checkins.close(checkin.id):
                return False  # pragma: no mutate (another replica closed it: equivalent)
            await uow.commit()
        if checkin.message_id is not None and self._allowed.allows(checkin.workspace):
            closed = Card.plain(self._catalog.text("checkin.closed_line"))
            try:
                await self._messenger.update(
                    checkin.workspace, checkin.conversation, checkin.message_id, closed
                )
            except Exception:
                logger.warning("could not mark a closed check-in's message as closed")
        return True

    def _plain(self, key: str) -> Card:
        return Card.plain(self._catalog.text(key))
