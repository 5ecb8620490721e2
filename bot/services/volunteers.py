"""Peer supporters: signing up, hours and capacity, away and back, stopping."""

import uuid
from datetime import date, time

from bot.domain.admin_actions import AdminActionKind
from bot.domain.debriefs import CAPACITY_WINDOW, Availability, Volunteer, peer_band
from bot.domain.reports import WORKSPACE_WIDE, PulseView, ViewKind
from bot.domain.roles import Role
from bot.domain.schedules import WEEKDAYS, is_known_timezone
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
from bot.ports.platform import Messenger, Roles
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.admin_trail import AdminTrail
from bot.services.errors import BotError
from bot.services.safety import SafetyWords
from prompts import Catalog

CAPACITIES = ("1", "2", "3", "4", "5", "6", "8", "10")
DEFAULT_CAPACITY = "2"


class VolunteerService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        roles: Roles,
        safety: SafetyWords | None = None,
        messenger: Messenger | None = None,
        approval: bool = False,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._roles = roles
        self._safety = safety or SafetyWords(catalog)
        self._messenger = messenger
        self._approval = approval
        self._trail = AdminTrail(clock)

    def volunteer_form(self, default_timezone: str) -> Form:
        t = self._catalog.text
        days = tuple(Choice(day, t(f"schedules.day_{day}")) for day in WEEKDAYS)
        capacities = tuple(Choice(n, n) for n in CAPACITIES)
        fields = (
            FormField("capacity", t("debriefs.volunteer.field_capacity"), FieldKind.ONE_OF,
                      capacities, (DEFAULT_CAPACITY,), hint=t("debriefs.volunteer.capacity_hint")),
            FormField("days", t("debriefs.volunteer.field_days"), FieldKind.SOME_OF, days,
                      WEEKDAYS),
            FormField("start", t("debriefs.volunteer.field_from"), FieldKind.TIME, optional=True),
            FormField("end", t("debriefs.volunteer.field_until"), FieldKind.TIME, optional=True,
                      hint=t("debriefs.volunteer.hours_hint")),
            FormField("timezone", t("debriefs.volunteer.field_timezone"), FieldKind.TEXT,
                      initial=(default_timezone,), hint=t("debriefs.volunteer.timezone_hint")),
        )  # fmt: skip
        return Form(
            FormId.VOLUNTEER,
            t("debriefs.volunteer.title"),
            t("debriefs.volunteer.submit"),
            t("debriefs.volunteer.cancel"),
            fields,
            intro=t("debriefs.volunteer.intro"),
        )

    async def check_roster(self, workspace: WorkspaceRef, person: str) -> None:
        """With a peer roster (PEER_USERGROUP or PEER_USER_IDS), only those on it volunteer."""
        if self._roles.given(Role.PEER) and not await self._roles.holds(
            workspace, person, Role.PEER
        ):
            raise BotError("debriefs.volunteer.not_on_roster")

    async def sign_up(self, workspace: WorkspaceRef, person: str, values: FormValues) -> Card:
        """Save the form (sign up or change); FieldErrors name what to fix.

        The confirmation carries the peers' guide: the bot is not the safety net, so a peer
        learns, before the first request, what to do if a colleague may be harmed.
        """
        await self.check_roster(workspace, person)
        capacity, availability = self._capacity(values), self._availability(values)
        async with self._uow() as uow:
            known = await uow.volunteers.get(workspace, person)
            approved = known.approved if known else not self._approval
            volunteer = Volunteer(workspace, person, capacity, availability, approved=approved)
            await uow.volunteers.save(volunteer)
            await uow.commit()
        saved = self._plain(
            "volunteer.saved", capacity=str(capacity), when=self.describe(volunteer)
        )
        parts = [*saved.parts, *self._safety.peer_guide()]
        if not approved:
            parts.insert(1, Paragraph(self._catalog.text("debriefs.approval.waiting")))
            if known is None:
                await self._ask_coordinators(workspace, person)
        return Card(text=saved.text, parts=tuple(parts))

    async def decide(
        self, workspace: WorkspaceRef, coordinator: str, person: str, approve: bool
    ) -> Card:
        """Someone who runs peer support approves a new volunteer, or declines them."""
        await self._require_coordinator(workspace, coordinator)
        async with self._uow() as uow:
            done = await (
                uow.volunteers.set_approved(workspace, person)
                if approve
                else uow.volunteers.remove(workspace, person)
            )
            if done:
                kind = AdminActionKind.PEER_APPROVE if approve else AdminActionKind.PEER_DECLINE
                await self._trail.note(uow, workspace, coordinator, kind, person=person)
            await uow.commit()
        if not done:
            return self._plain("approval.gone")
        told = "approval.approved_peer" if approve else "approval.declined_peer"
        await self._tell(workspace, person, told)
        mention = self._mention(workspace, person)
        return self._plain("approval.approved" if approve else "approval.declined", peer=mention)

    async def remove_peer(self, workspace: WorkspaceRef, coordinator: str, words: str) -> Card:
        """`/wellspring remove <person>`: a peer taken off the roster by peer support."""
        await self._require_coordinator(workspace, coordinator)
        person = words.strip().removeprefix("@").strip()
        if not person or " " in person:
            raise BotError("debriefs.approval.remove_how")
        async with self._uow() as uow:
            removed = await uow.volunteers.remove(workspace, person)
            if removed:
                await self._trail.note(
                    uow, workspace, coordinator, AdminActionKind.PEER_REMOVE, person=person
                )
            await uow.commit()
        if not removed:
            return self._plain("approval.gone")
        await self._tell(workspace, person, "approval.removed_peer")
        return self._plain("approval.removed", peer=self._mention(workspace, person))

    async def _ask_coordinators(self, workspace: WorkspaceRef, person: str) -> None:
        text = self._catalog.text("debriefs.approval.ask", peer=self._mention(workspace, person))
        buttons = (
            Button(
                self._catalog.text("debriefs.approval.approve_button"),
                Action.PEER_APPROVE,
                person,
                ButtonStyle.PRIMARY,
            ),
            Button(
                self._catalog.text("debriefs.approval.decline_button"), Action.PEER_DECLINE, person
            ),
        )
        card = Card(text=text, parts=(Paragraph(text), ButtonRow(buttons)))
        for coordinator in sorted(await self._roles.holders(workspace, Role.COORDINATOR)):
            if self._messenger is not None:
                await self._messenger.send_direct(workspace, coordinator, card)

    async def _require_coordinator(self, workspace: WorkspaceRef, person: str) -> None:
        """Those who run peer support decide who is a peer, and so may the admins."""
        if not any(
            [
                await self._roles.holds(workspace, person, Role.COORDINATOR),
                await self._roles.holds(workspace, person, Role.ADMIN),
            ]
        ):
            raise BotError("debriefs.approval.refuse")

    async def _tell(self, workspace: WorkspaceRef, person: str, key: str) -> None:
        if self._messenger is not None:
            await self._messenger.send_direct(workspace, person, self._plain(key))

    def _mention(self, workspace: WorkspaceRef, person: str) -> str:
        return self._messenger.mention_person(workspace, person) if self._messenger else person

    def describe(self, volunteer: Volunteer) -> str:
        a = volunteer.availability
        if len(a.days) == len(WEEKDAYS) and a.start is None:
            return self._catalog.text("debriefs.volunteer.any_time")
        days = ", ".join(self._catalog.text(f"schedules.day_{WEEKDAYS[d]}") for d in sorted(a.days))
        if a.start is None or a.end is None:
            start, end = time(0), time(0)
        else:
            start, end = a.start, a.end
        return self._catalog.text(
            "debriefs.volunteer.hours",
            days=days,
            start=start.strftime("%H:%M"),
            end=end.strftime("%H:%M"),
            timezone=a.timezone,
        )

    async def set_away(self, workspace: WorkspaceRef, person: str, words: str) -> Card:
        """`away` (until `available`) or `away until 2026-12-24`."""
        until: date | None = None
        rest = words.strip().removeprefix("until").strip()
        if rest:
            try:
                until = date.fromisoformat(rest)
            except ValueError:
                raise BotError("debriefs.volunteer.bad_date", value=rest) from None
        await self._change(workspace, person, away=until is None, until=until)
        if until is None:
            return self._plain("volunteer.away_saved")
        return self._plain("volunteer.away_until_saved", date=until.isoformat())

    async def set_available(self, workspace: WorkspaceRef, person: str) -> Card:
        await self._change(workspace, person, away=False, until=None)
        return self._plain("volunteer.available_saved")

    async def stop(self, workspace: WorkspaceRef, person: str) -> Card:
        async with self._uow() as uow:
            if not await uow.volunteers.remove(workspace, person):
                raise BotError("debriefs.volunteer.not_volunteer")
            await uow.commit()
        return self._plain("volunteer.stopped")

    async def peers_now(self, workspace: WorkspaceRef, person: str) -> Card:
        """For supervisors: none, a few or several peers free now; no names; the look is logged."""
        if not await self._roles.holds(workspace, person, Role.SUPERVISOR):
            raise BotError("debriefs.peers.refuse")
        now = self._clock.now()
        look = PulseView(
            str(uuid.uuid4()), workspace, person, WORKSPACE_WIDE, ViewKind.DEBRIEF_PEERS, now
        )
        async with self._uow() as uow:
            everyone = await uow.volunteers.all(workspace)
            load = await uow.volunteers.load(workspace, now - CAPACITY_WINDOW)
            await uow.views.record(look)
            await uow.commit()
        free = [
            v
            for v in everyone
            if not v.is_away(now)
            and v.availability.covers(now)
            and load.get(v.person, 0) < v.capacity
        ]
        return self._plain(f"peers.{peer_band(len(free))}")

    async def _change(
        self, workspace: WorkspaceRef, person: str, away: bool, until: date | None
    ) -> None:
        async with self._uow() as uow:
            if not await uow.volunteers.set_away(workspace, person, away, until):
                raise BotError("debriefs.volunteer.not_volunteer")
            await uow.commit()

    def _capacity(self, values: FormValues) -> int:
        chosen = first_value(values, "capacity") or DEFAULT_CAPACITY
        return int(chosen) if chosen in CAPACITIES else int(DEFAULT_CAPACITY)

    def _availability(self, values: FormValues) -> Availability:
        errors: dict[str, str] = {}
        chosen = values.get("days") or ()
        days = frozenset(WEEKDAYS.index(d) for d in chosen if d in WEEKDAYS)
        if not days:
            errors["days"] = self._catalog.text("debriefs.volunteer.error_no_days")
        start, end = _time(first_value(values, "start")), _time(first_value(values, "end"))
        if (start is None) != (end is None) or (start is not None and start == end):
            errors["end"] = self._catalog.text("debriefs.volunteer.error_hours")
        zone = (first_value(values, "timezone") or "").strip()
        if not zone:
            errors["timezone"] = self._catalog.text("schedules.extra.error_no_timezone")
        elif not is_known_timezone(zone):
            errors["timezone"] = self._catalog.text("debriefs.volunteer.error_timezone", value=zone)
        if errors:
            raise FieldErrors(errors)
        return Availability(days, start, end, zone)

    def _plain(self, key: str, **params: str) -> Card:
        return Card.plain(self._catalog.text(f"debriefs.{key}", **params))


def _time(text: str | None) -> time | None:
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None
