"""A person's own data: shown to them, deleted on request, and gone when they leave.

Leaving a team is not leaving the organisation: it takes only what tied the person to that
team's conversations. What is theirs goes when they ask, when an admin erases it, or when
the platform says their account is gone (`leave`).
"""

import logging
from collections.abc import Collection
from functools import partial

from bot.domain.admin_actions import AdminActionKind
from bot.domain.debriefs import DebriefRequest, RequestStatus
from bot.domain.personal_data import PersonalRecords
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action
from bot.outgoing.messages import Button, ButtonRow, ButtonStyle, Card, Note, Paragraph, Part
from bot.ports.clock import Clock
from bot.ports.platform import Messenger, Roles
from bot.ports.pulse_records import HistoryEraser
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.admin_trail import AdminTrail
from bot.services.debriefs import DebriefService
from bot.services.errors import BotError
from bot.services.membership import ChannelMembers
from bot.services.placement_cards import PlacementCards
from bot.services.schedules import ScheduleService
from bot.services.volunteers import VolunteerService
from prompts import Catalog

logger = logging.getLogger(__name__)


class PersonalDataService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        messenger: Messenger,
        wakeups: Wakeups,
        eraser: HistoryEraser,
        describers: tuple[ScheduleService, VolunteerService, PlacementCards],
        debriefs: DebriefService,
        roles: Roles,
        members: ChannelMembers,
    ) -> None:
        self._uow, self._clock, self._catalog = uow, clock, catalog
        self._messenger, self._wakeups, self._eraser = messenger, wakeups, eraser
        self._schedules, self._volunteers, self._placements = describers
        self._debriefs = debriefs
        self._roles = roles
        self._members = members
        self._trail = AdminTrail(clock)

    # The page that lists what is held is wording, left out of mutation testing (see
    # docs/mutation-testing.md); whose data it shows is the caller's, tested end to end.
    # pragma: no mutate start
    async def describe(self, workspace: WorkspaceRef, person: str) -> Card:
        """`/wellspring my data`: everything held about the person, and a button to delete it."""
        async with self._uow() as uow:
            records = await uow.personal.gather(workspace, person)
        title = self._text("title")
        parts: list[Part] = [Paragraph(title), *self._held(workspace, person, records)]
        if len(parts) == 1:
            parts.append(Paragraph(self._text("nothing")))
        parts.append(Note(self._text("counts_stay")))
        if records.looks:
            parts.append(Note(self._text("looks_stay")))
        if records.actions_taken:
            parts.append(Note(self._text("extra.actions_stay")))
        if records.erasable:
            button = Button(self._text("delete_button"), Action.PERSONAL_DATA_DELETE, "",
                            ButtonStyle.DANGER)  # fmt: skip
            parts.append(ButtonRow((button,)))
        return Card(text=title, parts=tuple(parts))

    # pragma: no mutate end
    async def erase_own(self, workspace: WorkspaceRef, person: str) -> Card:
        """The "Delete all of it" button: only ever the clicker's own data."""
        records = await self._erase(workspace, person, tell=False)
        key = "deleted" if records.erasable else "deleted_nothing"
        parts: list[Part] = [Paragraph(self._text(key))]
        if _open_requests(records):
            parts.append(Paragraph(self._text("extra.request_cancelled")))
        parts.append(Note(self._text("counts_stay")))
        if records.looks:
            parts.append(Note(self._text("looks_stay")))
        if records.actions_taken:
            parts.append(Note(self._text("extra.actions_stay")))
        return Card(text=self._text(key), parts=tuple(parts))

    async def erase_for(self, workspace: WorkspaceRef, admin: str, words: str) -> Card:
        """`/wellspring erase <person>` by an admin (ADMIN_USER_IDS, ADMIN_USERGROUP); refused
        to anyone else."""
        if not await self._roles.holds(workspace, admin, Role.ADMIN):
            raise BotError("mydata.refuse_not_admin")
        person = words.strip().removeprefix("@").strip()
        if not person or " " in person:
            raise BotError("mydata.erase_how")
        await self.leave(workspace, person)
        # The trail keeps that an admin erased someone, and not whom (their rows are gone).
        async with self._uow() as uow:
            await self._trail.note(uow, workspace, admin, AdminActionKind.ERASE)
            await uow.commit()
        mention = self._messenger.mention_person(workspace, person)
        return Card.plain(self._text("erase_done", person=mention))

    async def leave(self, workspace: WorkspaceRef, person: str) -> PersonalRecords:
        """Erase what names the person (they left the organisation, or an admin erased it);
        an open debrief request of theirs is cancelled and they are told so, privately."""
        return await self._erase(workspace, person, tell=True)

    async def leave_team(
        self, workspace: WorkspaceRef, person: str, conversations: Collection[str]
    ) -> None:
        """They left a team (these are its conversations): only what ties them to it goes.

        Their own data (volunteering, reminders, placements, debrief requests) stays.
        """
        changed = 0
        async with self._uow() as uow:
            for conversation in conversations:
                changed += await uow.assignments.unassign(workspace, person, conversation)
            await uow.commit()
        for conversation in conversations:
            self._members.forget(workspace, conversation)
        if changed:
            await self._eraser.erase()  # when busy, the eraser retries it by itself
        logger.info("someone left a team: %d rows changed", changed)

    async def _erase(self, workspace: WorkspaceRef, person: str, tell: bool) -> PersonalRecords:
        """Erase what names the person; what was held is returned.

        Their open requests are cancelled and their open offers move on to the next peer,
        the same way as when an offer runs out, before the rows go. With `tell`, a person
        whose open request was cancelled hears so first, while they can still be reached.
        """
        async with self._uow() as uow:
            records = await uow.personal.gather(workspace, person)
            # No new offer can reach them while the others move on.
            await uow.volunteers.remove(workspace, person)
            await uow.commit()
        for request in records.requests:
            if request.status is RequestStatus.SEARCHING:
                await self._debriefs.cancel(workspace, request.id, person)
        for offer in records.open_offers:
            try:
                await self._debriefs.move_on(offer)
            except Exception:
                logger.exception("an open offer could not move on; the deadline sweep will")
        if tell and _open_requests(records):
            await self._tell_cancelled(workspace, person)
        async with self._uow() as uow:
            changed = await uow.personal.forget(workspace, person, self._clock.now())
            await uow.commit()
        for schedule in records.reminders:
            self._wakeups.schedule_removed(schedule.id)
        if changed:
            await self._eraser.erase()  # when busy, the eraser retries it by itself
        logger.info("erased one person's data: %d rows changed", changed)
        return records

    async def _tell_cancelled(self, workspace: WorkspaceRef, person: str) -> None:
        try:
            await self._messenger.send_direct(
                workspace, person, Card.plain(self._text("extra.request_cancelled"))
            )
        except Exception as error:  # a deactivated account can't be reached; erase anyway
            logger.warning("could not tell someone their request was cancelled: %s",
                           type(error).__name__)  # fmt: skip

    # pragma: no mutate start
    def _held(self, workspace: WorkspaceRef, person: str, records: PersonalRecords) -> list[Part]:
        mention = partial(self._messenger.mention_person, workspace)
        parts: list[Part] = []
        if (volunteer := records.volunteer) is not None:
            capacity = str(volunteer.capacity)
            when = self._volunteers.describe(volunteer)
            parts.append(Paragraph(self._text("volunteer", capacity=capacity, when=when)))
            if volunteer.is_away(self._clock.now()):
                parts.append(Paragraph(self._text("volunteer_away")))
        if records.reminders:
            lines = [
                self._catalog.text(
                    "personal.list_item",
                    label=schedule.label or "",
                    when=self._schedules.describe_when(schedule),
                )
                for schedule in records.reminders
            ]
            parts.append(Paragraph("\n".join([self._text("reminders"), *_bullets(lines)])))
        for placement in records.placements:
            dates = {"start": placement.starts_on.isoformat(), "end": placement.ends_on.isoformat()}
            if placement.student == person:
                line = self._text("placement_student", instructor=mention(placement.instructor),
                                  **dates)  # fmt: skip
            else:
                line = self._text("placement_instructor", student=mention(placement.student),
                                  **dates)  # fmt: skip
            parts.append(Paragraph(line))
        if records.requests:
            lines = [self._request_line(request) for request in records.requests]
            parts.append(Paragraph("\n".join([self._text("requests"), *_bullets(lines)])))
        if records.open_offers:
            parts.append(Paragraph(self._text("offers", count=str(len(records.open_offers)))))
        if records.assigned_teams:
            teams = ", ".join(self._messenger.mention(workspace, t) for t in records.assigned_teams)
            parts.append(Paragraph(self._text("assigned", teams=teams)))
        if records.looks:
            latest = records.looks[0].viewed_at.date().isoformat()
            count = str(len(records.looks))
            parts.append(Paragraph(self._text("looks", count=count, date=latest)))
        if taken := records.actions_taken:
            latest, count = taken[0].at.date().isoformat(), str(len(taken))
            parts.append(Paragraph(self._text("extra.actions_taken", count=count, date=latest)))
        if records.actions_about:
            about = str(records.actions_about)
            parts.append(Paragraph(self._text("extra.actions_about", count=about)))
        return parts

    def _request_line(self, request: DebriefRequest) -> str:
        status = self._text(f"request_status.{request.status.value}")
        day = request.created_at.date().isoformat()
        return self._text("request_note" if request.note else "request_line", date=day,
                          status=status)  # fmt: skip

    # pragma: no mutate end
    def _text(self, key: str, **params: str) -> str:
        return self._catalog.text(f"mydata.{key}", **params)


def _open_requests(records: PersonalRecords) -> bool:
    """A request still looking for a peer, or matched and not finished: erasure ends it."""
    open_ = (RequestStatus.SEARCHING, RequestStatus.MATCHED)
    return any(request.status in open_ for request in records.requests)


def _bullets(lines: list[str]) -> list[str]:
    return [f"• {line}" for line in lines]
