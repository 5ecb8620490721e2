"""Check-ins and reminders: `/checkin` in a team conversation, the schedule buttons and
forms, a person's private reminders on their App Home."""

from bot.domain.admin_actions import AdminActionKind
from bot.domain.commands import Command, CommandText
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, Form, FormValues
from bot.ports.platform import Directory
from bot.services.admin_trail import AdminTrailPages
from bot.services.checkins import CheckinCards
from bot.services.dispatch_table import DispatchTable, Outcome, Where
from bot.services.posting import PostingService
from bot.services.schedule_rights import ScheduleRights
from bot.services.schedules import ScheduleService

# What the admin record calls each change to a schedule (AdminTrailPages.note_schedules).
_SCHEDULE_KINDS = {
    Action.SCHEDULE_PAUSE: AdminActionKind.SCHEDULE_PAUSE,
    Action.SCHEDULE_RESUME: AdminActionKind.SCHEDULE_RESUME,
    Action.SCHEDULE_DELETE: AdminActionKind.SCHEDULE_DELETE,
}


class CheckinRoutes:
    def __init__(
        self,
        cards: CheckinCards,
        schedules: ScheduleService,
        posting: PostingService,
        rights: ScheduleRights,
        trail: AdminTrailPages,
        directory: Directory,
    ) -> None:
        self._cards, self._schedules, self._posting = cards, schedules, posting
        self._rights, self._trail, self._directory = rights, trail, directory

    def register(self, table: DispatchTable) -> None:
        table.team_command(Command.CHECKIN, "now", self._now)
        table.team_command(Command.CHECKIN, "schedule", self._schedule)
        table.team_command(Command.CHECKIN, "list", self._list)
        table.team_command(Command.CHECKIN, "pause", self._pause_or_resume_all)
        table.team_command(Command.CHECKIN, "resume", self._pause_or_resume_all)
        table.action(Action.EXPLAIN_ANONYMITY, self._explain)
        table.action(Action.SCHEDULE_PAUSE, self._pause_one)
        table.action(Action.SCHEDULE_RESUME, self._resume_one)
        table.action(Action.SCHEDULE_DELETE, self._delete_one)
        table.action(Action.PERSONAL_ADD, self._personal_add)
        table.action(Action.PERSONAL_REMOVE, self._personal_remove)
        table.form(FormId.SCHEDULE, self._schedule_form, self._create_schedule)
        table.form(FormId.PERSONAL, self._personal_form, self._create_personal)
        table.home_section(self._personal_cards)

    async def _now(self, where: Where, team: str, typed: CommandText) -> Outcome:
        return Outcome.private(await self._posting.post_checkin_now(where.workspace, team))

    async def _schedule(self, where: Where, team: str, typed: CommandText) -> Outcome:
        return Outcome(form=await self._schedule_form(where, team))

    async def _list(self, where: Where, team: str, typed: CommandText) -> Outcome:
        return Outcome.private(*await self._schedules.list_schedules(where.workspace, team))

    async def _pause_or_resume_all(self, where: Where, team: str, typed: CommandText) -> Outcome:
        workspace, paused = where.workspace, typed.word == "pause"
        found = await self._schedules.in_conversation(workspace, team)
        await self._rights.check(workspace, where.person, found)
        changed = await self._schedules.set_all_paused(workspace, team, paused)
        kind = AdminActionKind.SCHEDULE_PAUSE if paused else AdminActionKind.SCHEDULE_RESUME
        await self._trail.note_schedules(workspace, where.person, kind, found)
        return Outcome.private(changed)

    async def _explain(self, where: Where, value: str) -> Outcome:
        return Outcome.private(self._cards.explain_anonymity())

    async def _pause_one(self, where: Where, value: str) -> Outcome:
        return await self._change_one(where, Action.SCHEDULE_PAUSE, value)

    async def _resume_one(self, where: Where, value: str) -> Outcome:
        return await self._change_one(where, Action.SCHEDULE_RESUME, value)

    async def _delete_one(self, where: Where, value: str) -> Outcome:
        return await self._change_one(where, Action.SCHEDULE_DELETE, value)

    async def _change_one(self, where: Where, action: Action, schedule_id: str) -> Outcome:
        """One schedule paused, resumed or deleted from its button, then the list again."""
        workspace = where.workspace
        schedule = await self._schedules.find(workspace, schedule_id)
        await self._rights.check(workspace, where.person, [schedule])
        if action is Action.SCHEDULE_DELETE:
            result = await self._schedules.delete(workspace, schedule_id)
        else:
            paused = action is Action.SCHEDULE_PAUSE
            result = await self._schedules.set_paused(workspace, schedule_id, paused)
        kind = _SCHEDULE_KINDS[action]
        await self._trail.note_schedules(workspace, where.person, kind, [schedule])
        listing = await self._schedules.list_schedules(workspace, where.team or "")
        return Outcome.private(result, *listing, replace=True)

    async def _personal_add(self, where: Where, value: str) -> Outcome:
        return Outcome(form=await self._personal_form(where, ""))

    async def _personal_remove(self, where: Where, value: str) -> Outcome:
        await self._schedules.delete(where.workspace, value, owner=where.person)
        return Outcome(refresh_home=True)

    async def _schedule_form(self, where: Where, team: str) -> Form:
        timezone = await self._directory.timezone_of(where.workspace, where.person)
        return self._schedules.schedule_form(team, timezone)

    async def _personal_form(self, where: Where, context: str) -> Form:
        timezone = await self._directory.timezone_of(where.workspace, where.person)
        return self._schedules.personal_form(timezone)

    async def _create_schedule(self, where: Where, team: str, values: FormValues) -> Outcome:
        workspace, person = where.workspace, where.person
        await self._rights.check_member(workspace, person, team)
        card = await self._schedules.create_schedule(workspace, person, team, values)
        return Outcome.private(card)

    async def _create_personal(self, where: Where, context: str, values: FormValues) -> Outcome:
        await self._schedules.create_personal(where.workspace, where.person, values)
        return Outcome(refresh_home=True)

    async def _personal_cards(self, where: Where) -> list[Card]:
        return await self._schedules.personal_cards(where.workspace, where.person)
