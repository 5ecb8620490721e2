"""Field placements: a student registers, the instructor confirms, either can stop."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, time, timedelta

from bot.domain.placements import MAX_WEEKS, Placement, iso_week
from bot.domain.schedules import WEEKDAYS, is_known_timezone
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Card, FieldErrors, FormValues, first_value
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Messenger
from bot.ports.pulse_records import HistoryEraser
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.errors import BotError
from bot.services.placement_cards import SHARE_LIMIT, PlacementCards

logger = logging.getLogger(__name__)

Send = Callable[[], Awaitable[None]]


class PlacementService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        cards: PlacementCards,
        messenger: Messenger,
        eraser: HistoryEraser,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.cards = cards
        self._messenger = messenger
        self._eraser = eraser

    async def register(
        self, workspace: WorkspaceRef, student: str, values: FormValues
    ) -> tuple[Card, Send]:
        """Save the form (a second one replaces the first); then ask the instructor.

        Returns the student's answer and the slow part (the message to the instructor).
        """
        placement = self._read(workspace, student, values)
        async with self._uow() as uow:
            earlier = await uow.placements.of_student(workspace, student)
            # The same id keeps this week's claim: a corrected date never sends twice.
            placement = replace(placement, id=earlier.id if earlier else str(uuid.uuid4()))
            await uow.placements.save(placement)
            await uow.commit()
        instructor = self._messenger.mention_person(workspace, placement.instructor)
        return self.cards.saved(placement, instructor), lambda: self._ask(placement)

    async def confirm(self, workspace: WorkspaceRef, person: str, placement_id: str) -> Card:
        """The instructor confirms: prompts start with the next weekly time."""
        now = self._clock.now()
        async with self._uow() as uow:
            placement = await self._own(uow.placements.get(placement_id), workspace, person)
            await uow.placements.confirm(placement.id)
            confirmed = replace(placement, confirmed=True)
            if (monday := confirmed.due_week(now)) is not None:
                # This week's time has passed: start next week rather than at once.
                await uow.placements.claim_week(placement.id, iso_week(monday))
            await uow.commit()
        first = self.cards.first_date(confirmed.next_reflection(now), confirmed)
        await self._tell(
            confirmed,
            confirmed.student,
            self.cards.plain(
                "confirmed_student",
                instructor=self._messenger.mention_person(workspace, person),
                date=first,
            ),
        )
        return self.cards.plain("confirmed", date=first)

    async def decline(self, workspace: WorkspaceRef, person: str, placement_id: str) -> Card:
        """Not me: the placement is deleted and the student told."""
        async with self._uow() as uow:
            placement = await self._own(uow.placements.get(placement_id), workspace, person)
            await uow.placements.remove(placement.id)
            await uow.commit()
        instructor = self._messenger.mention_person(workspace, person)
        await self._tell(
            placement,
            placement.student,
            self.cards.plain("declined_student", instructor=instructor),
        )
        return self.cards.plain("declined")

    async def stop(self, workspace: WorkspaceRef, person: str) -> tuple[Card, ...]:
        """`/placement stop`: a student's own placement ends and is deleted at once; a field
        instructor is asked, one student's placement at a time, to confirm (stop_one)."""
        async with self._uow() as uow:
            involved = await uow.placements.involving(workspace, person)
            own = [placement for placement in involved if placement.student == person]
            for placement in own:
                await uow.placements.remove(placement.id)
            await uow.commit()
        if not involved:
            raise BotError("placements.none")
        if own:
            await self._eraser.erase()  # from the files too; when busy, retried by the eraser
        mention = self._messenger.mention_person
        asks = tuple(
            self.cards.ask_to_stop(placement, mention(workspace, placement.student))
            for placement in involved
            if placement.student != person
        )
        return (self.cards.plain("stopped"), *asks) if own else asks

    async def stop_one(self, workspace: WorkspaceRef, person: str, placement_id: str) -> Card:
        """The instructor confirmed: that one placement ends and is deleted; the student is told."""
        async with self._uow() as uow:
            placement = await self._own(uow.placements.get(placement_id), workspace, person)
            await uow.placements.remove(placement.id)
            await uow.commit()
        await self._eraser.erase()
        await self._tell(placement, placement.student, self.cards.plain("stopped_by_instructor"))
        student = self._messenger.mention_person(workspace, placement.student)
        return self.cards.plain("stop.done", student=student)

    async def keep(self, workspace: WorkspaceRef, person: str, placement_id: str) -> Card:
        """The instructor chose not to stop it: nothing changes."""
        async with self._uow() as uow:
            placement = await self._own(uow.placements.get(placement_id), workspace, person)
        student = self._messenger.mention_person(workspace, placement.student)
        return self.cards.plain("stop.kept", student=student)

    async def prepare_share(
        self, workspace: WorkspaceRef, student: str, values: FormValues
    ) -> Send:
        """Check the words; the returned call sends them. They are never stored or logged."""
        words = (first_value(values, "words") or "").strip()
        if not words:
            raise FieldErrors({"words": self.cards.text("share.error_empty")})
        if len(words) > SHARE_LIMIT:
            limit = str(SHARE_LIMIT)
            raise FieldErrors({"words": self.cards.text("share.error_long", limit=limit)})
        async with self._uow() as uow:
            placement = await uow.placements.of_student(workspace, student)
        if placement is None or not placement.confirmed:
            raise FieldErrors({"words": self.cards.text("share.error_no_placement")})

        async def send() -> None:
            mention = self._messenger.mention_person
            card = self.cards.shared(mention(workspace, student), words)
            instructor = mention(workspace, placement.instructor)
            try:
                await self._messenger.send_direct(workspace, placement.instructor, card)
            except ConversationUnavailable:
                answer = self.cards.plain("share.unreached", instructor=instructor)
            else:
                answer = self.cards.plain("share.sent", instructor=instructor)
            await self._tell(placement, student, answer)

        return send

    async def _ask(self, placement: Placement) -> None:
        """Ask the instructor privately; if they can't be reached, the student hears so."""
        workspace = placement.workspace
        student = self._messenger.mention_person(workspace, placement.student)
        card = self.cards.ask_instructor(placement, student)
        try:
            await self._messenger.send_direct(workspace, placement.instructor, card)
        except ConversationUnavailable:
            instructor = self._messenger.mention_person(workspace, placement.instructor)
            await self._tell(
                placement, placement.student, self.cards.plain("unreached", instructor=instructor)
            )

    async def _tell(self, placement: Placement, person: str, card: Card) -> None:
        try:
            await self._messenger.send_direct(placement.workspace, person, card)
        except ConversationUnavailable as gone:
            logger.warning("a placement message could not be delivered (%s)", gone.reason)

    async def _own(
        self, found: Awaitable[Placement | None], workspace: WorkspaceRef, person: str
    ) -> Placement:
        """The placement named on a button, if `person` is its instructor."""
        placement = await found
        if placement is None or placement.workspace != workspace:
            raise BotError("placements.gone")
        if placement.instructor != person:
            raise BotError("placements.not_yours")
        return placement

    def _read(self, workspace: WorkspaceRef, student: str, values: FormValues) -> Placement:
        """The form's fields as a placement's, or FieldErrors naming each problem."""
        text = self.cards.text
        errors: dict[str, str] = {}
        instructor = (first_value(values, "instructor") or "").strip()
        if not instructor:
            errors["instructor"] = text("form.error_instructor")
        elif instructor == student:
            errors["instructor"] = text("form.error_self")
        starts_on, ends_on = _date(values, "starts_on"), _date(values, "ends_on")
        for name, value in (("starts_on", starts_on), ("ends_on", ends_on)):
            if value is None:
                errors[name] = text("form.error_date")
        today = self._clock.now().date()
        if starts_on is not None and ends_on is not None:
            if ends_on < starts_on:
                errors["ends_on"] = text("form.error_order")
            elif ends_on < today:
                errors["ends_on"] = text("form.error_past")
            elif ends_on - starts_on > timedelta(weeks=MAX_WEEKS):
                errors["ends_on"] = text("form.error_long")
        day = first_value(values, "day") or ""
        if day not in WEEKDAYS:
            errors["day"] = text("form.error_day")
        at = _time(first_value(values, "at"))
        if at is None:
            errors["at"] = text("form.error_time")
        zone = (first_value(values, "timezone") or "").strip()
        if not is_known_timezone(zone):
            errors["timezone"] = text("form.error_timezone", value=zone or "-")
        if errors or starts_on is None or ends_on is None or at is None:
            raise FieldErrors(errors)
        return Placement(
            "", workspace, student, instructor, starts_on, ends_on, WEEKDAYS.index(day), at, zone
        )


def _date(values: FormValues, name: str) -> date | None:
    try:
        return date.fromisoformat(first_value(values, name) or "")
    except ValueError:
        return None


def _time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value or "")
    except ValueError:
        return None
