"""Creating, listing, pausing and deleting a team's schedules and a person's reminders."""

import uuid
from datetime import datetime

from bot.domain.schedules import (
    MAX_SCHEDULES_PER_CONVERSATION,
    WEEKDAYS,
    RecurrenceErrors,
    Schedule,
    ScheduleKind,
    parse_recurrence,
)
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import (
    Button,
    ButtonRow,
    ButtonStyle,
    Card,
    Choice,
    FieldErrors,
    FieldKind,
    Form,
    FormField,
    FormValues,
    Paragraph,
    first_value,
)
from bot.ports.clock import Clock
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.errors import BotError
from prompts import Catalog


class ScheduleService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, catalog: Catalog, wakeups: Wakeups
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._wakeups = wakeups

    def schedule_form(self, conversation: str, default_timezone: str) -> Form:
        t = self._catalog.text
        kinds = tuple(Choice(k.value, t(f"schedules.kind_{k.value}")) for k in ScheduleKind)
        fields = (
            FormField("kind", t("schedules.field_kind"), FieldKind.ONE_OF, kinds, ("checkin",)),
            *self._when_fields(default_timezone),
            FormField(
                "skip", t("schedules.field_skip"), FieldKind.TEXT, hint=t("schedules.skip_hint"),
                optional=True,
            ),
        )  # fmt: skip
        return Form(
            FormId.SCHEDULE,
            t("schedules.modal_title"),
            t("schedules.modal_submit"),
            t("schedules.modal_cancel"),
            fields,
            context=conversation,
        )

    def personal_form(self, default_timezone: str) -> Form:
        t = self._catalog.text
        hint = t("personal.label_hint", default=t("personal.default_label"))
        label = FormField("label", t("personal.field_label"), FieldKind.TEXT, hint=hint)
        return Form(
            FormId.PERSONAL,
            t("personal.modal_title"),
            t("personal.modal_submit"),
            t("schedules.modal_cancel"),
            (label, *self._when_fields(default_timezone)),
        )

    def _when_fields(self, timezone: str) -> tuple[FormField, ...]:
        t = self._catalog.text
        days = tuple(Choice(day, t(f"schedules.day_{day}")) for day in WEEKDAYS)
        return (
            FormField("days", t("schedules.field_days"), FieldKind.SOME_OF, days, WEEKDAYS[:5]),
            FormField("time", t("schedules.field_time"), FieldKind.TIME, initial=("09:00",)),
            FormField(
                "timezone", t("schedules.field_timezone"), FieldKind.TEXT, initial=(timezone,),
                hint=t("schedules.timezone_hint"),
            ),
        )  # fmt: skip

    async def create_schedule(
        self, workspace: WorkspaceRef, owner: str, conversation: str, values: FormValues
    ) -> Card:
        """Save a team schedule from the form; FieldErrors name what to fix."""
        chosen = first_value(values, "kind") or ScheduleKind.CHECKIN.value
        if chosen not in set(ScheduleKind):
            raise FieldErrors({"kind": self._catalog.text("schedules.error_kind")})
        kind = ScheduleKind(chosen)
        schedule = self._build(workspace, owner, values, kind, conversation=conversation)
        async with self._uow() as uow:
            existing = await uow.schedules.for_conversation(workspace, conversation)
            if len(existing) >= MAX_SCHEDULES_PER_CONVERSATION:
                limit = MAX_SCHEDULES_PER_CONVERSATION
                raise FieldErrors(
                    {"kind": self._catalog.text("schedules.error_limit", limit=limit)}
                )
            await uow.schedules.add(schedule)
            await uow.commit()
        self._wakeups.schedule_saved(schedule)
        return Card.plain(
            self._catalog.text(
                "schedules.created",
                kind=self._kind(schedule),
                when=self.describe_when(schedule),
                next=self._next(schedule),
            )
        )

    async def create_personal(
        self, workspace: WorkspaceRef, owner: str, values: FormValues
    ) -> Card:
        """Save a private reminder from the form; FieldErrors name what to fix."""
        typed = (first_value(values, "label") or "").strip()[:80]
        label = typed or self._catalog.text("personal.default_label")
        schedule = self._build(workspace, owner, values, ScheduleKind.REMINDER, label=label)
        async with self._uow() as uow:
            if (
                len(await uow.schedules.personal_for(workspace, owner))
                >= MAX_SCHEDULES_PER_CONVERSATION
            ):
                raise FieldErrors(
                    {
                        "label": self._catalog.text(
                            "schedules.error_limit", limit=MAX_SCHEDULES_PER_CONVERSATION
                        )
                    }
                )
            await uow.schedules.add(schedule)
            await uow.commit()
        self._wakeups.schedule_saved(schedule)
        return Card.plain(self._catalog.text("personal.added"))

    def _build(
        self,
        workspace: WorkspaceRef,
        owner: str,
        values: FormValues,
        kind: ScheduleKind,
        *,
        conversation: str | None = None,
        label: str | None = None,
    ) -> Schedule:
        days = values.get("days", ())
        try:
            recurrence = parse_recurrence(
                (days,) if isinstance(days, str) else days,
                first_value(values, "time") or "",
                first_value(values, "timezone") or "",
                first_value(values, "skip") or "",
            )
        except RecurrenceErrors as problems:
            raise FieldErrors(
                {
                    name: self._catalog.text(key, **params)
                    for name, (key, params) in problems.errors.items()
                }
            ) from None
        return Schedule(
            id=str(uuid.uuid4()),
            workspace=workspace,
            kind=kind,
            recurrence=recurrence,
            owner=owner,
            created_at=self._clock.now(),
            conversation=conversation,
            label=label,
        )

    async def active(self) -> list[Schedule]:
        async with self._uow() as uow:
            return await uow.schedules.active()

    async def list_schedules(self, workspace: WorkspaceRef, conversation: str) -> list[Card]:
        async with self._uow() as uow:
            found = await uow.schedules.for_conversation(workspace, conversation)
        t = self._catalog.text
        if not found:
            return [Card.plain(t("schedules.list_empty"))]
        header = Card.plain(t("schedules.list_header", count=len(found)))
        return [header, *(self.card(schedule) for schedule in found)]

    def card(self, schedule: Schedule) -> Card:
        t = self._catalog.text
        status = t("schedules.status_paused" if schedule.paused else "schedules.status_active")
        text = t(
            "schedules.list_item",
            kind=self._kind(schedule),
            when=self.describe_when(schedule),
            next=t("schedules.next_none") if schedule.paused else self._next(schedule),
            status=status,
        )
        toggle = (
            Button(t("schedules.button_resume"), Action.SCHEDULE_RESUME, schedule.id)
            if schedule.paused
            else Button(t("schedules.button_pause"), Action.SCHEDULE_PAUSE, schedule.id)
        )
        delete = Button(
            t("schedules.button_delete"), Action.SCHEDULE_DELETE, schedule.id, ButtonStyle.DANGER
        )
        return Card(text=text, parts=(Paragraph(text), ButtonRow((toggle, delete))))

    async def find(self, workspace: WorkspaceRef, schedule_id: str) -> Schedule:
        """The workspace's schedule with this id; a private "not found" otherwise."""
        return await self._owned(workspace, schedule_id)

    async def in_conversation(self, workspace: WorkspaceRef, conversation: str) -> list[Schedule]:
        async with self._uow() as uow:
            return await uow.schedules.for_conversation(workspace, conversation)

    async def set_paused(self, workspace: WorkspaceRef, schedule_id: str, paused: bool) -> Card:
        schedule = await self._owned(workspace, schedule_id)
        async with self._uow() as uow:
            await uow.schedules.set_paused(schedule.id, paused)
            await uow.commit()
        self._resync(schedule, paused)
        return Card.plain(
            self._catalog.text("schedules.paused_one" if paused else "schedules.resumed_one")
        )

    async def set_all_paused(
        self, workspace: WorkspaceRef, conversation: str, paused: bool
    ) -> Card:
        async with self._uow() as uow:
            found = await uow.schedules.for_conversation(workspace, conversation)
            for schedule in found:
                await uow.schedules.set_paused(schedule.id, paused)
            await uow.commit()
        for schedule in found:
            self._resync(schedule, paused)
        key = "schedules.paused_all" if paused else "schedules.resumed_all"
        return Card.plain(self._catalog.text(key, count=len(found)))

    async def delete(
        self, workspace: WorkspaceRef, schedule_id: str, owner: str | None = None
    ) -> Card:
        schedule = await self._owned(workspace, schedule_id)
        if owner is not None and schedule.owner != owner:
            raise BotError("errors.not_found")
        async with self._uow() as uow:
            await uow.schedules.remove(schedule.id)
            await uow.commit()
        self._wakeups.schedule_removed(schedule.id)
        key = "schedules.deleted" if owner is None else "personal.removed"
        return Card.plain(self._catalog.text(key))

    async def personal_cards(self, workspace: WorkspaceRef, owner: str) -> list[Card]:
        t = self._catalog.text
        async with self._uow() as uow:
            found = await uow.schedules.personal_for(workspace, owner)
        add = Button(t("personal.add_button"), Action.PERSONAL_ADD, style=ButtonStyle.PRIMARY)
        intro = Card(
            text=t("personal.section_title"),
            parts=(
                Paragraph(f"*{t('personal.section_title')}*\n{t('personal.intro')}"),
                ButtonRow((add,)),
            ),
        )
        if not found:
            return [intro, Card.plain(t("personal.list_empty"))]
        items = [
            Card(
                text=(
                    line := t(
                        "personal.list_item",
                        label=reminder_name(self._catalog, s),
                        when=self.describe_when(s),
                    )
                ),
                parts=(
                    Paragraph(line),
                    ButtonRow((Button(t("personal.remove_button"), Action.PERSONAL_REMOVE, s.id),)),
                ),
            )
            for s in found
        ]
        return [intro, *items]

    async def _owned(self, workspace: WorkspaceRef, schedule_id: str) -> Schedule:
        async with self._uow() as uow:
            schedule = await uow.schedules.get(schedule_id)
        if schedule is None or schedule.workspace != workspace:
            raise BotError("errors.not_found")
        return schedule

    def _resync(self, schedule: Schedule, paused: bool) -> None:
        if paused:
            self._wakeups.schedule_removed(schedule.id)
        else:
            self._wakeups.schedule_saved(schedule)

    def describe_when(self, schedule: Schedule) -> str:
        t = self._catalog.text
        days = sorted(schedule.recurrence.days)
        if days == list(range(7)):
            day_text = t("schedules.every_day")
        elif days == list(range(5)):
            day_text = t("schedules.weekdays")
        else:
            day_text = ", ".join(t(f"schedules.day_{WEEKDAYS[d]}")[:3] for d in days)
        at = schedule.recurrence.at.strftime("%H:%M")
        return t("schedules.when", days=day_text, time=at, timezone=schedule.recurrence.timezone)

    def _next(self, schedule: Schedule) -> str:
        upcoming = schedule.recurrence.next_fire_time(self._clock.now())
        return _local(upcoming, schedule) if upcoming else self._catalog.text("schedules.next_none")

    def _kind(self, schedule: Schedule) -> str:
        return self._catalog.text(f"schedules.kind_{schedule.kind.value}")


def _local(moment: datetime, schedule: Schedule) -> str:
    return moment.astimezone(schedule.recurrence.zone).strftime("%a %d %b %H:%M")


def reminder_name(catalog: Catalog, schedule: Schedule) -> str:
    """A private reminder's name; one saved without a name (before names were required)
    gets the default name too, so no list or message shows an empty one."""
    return schedule.label or catalog.text("personal.default_label")
