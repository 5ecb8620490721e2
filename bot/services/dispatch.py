"""What a typed command, a click or a submitted form does, whichever platform it came from.

Adapters translate a platform's payload into one call here and render the Outcome; the
choice of service, and every rule about where a command may be used, lives here once.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.domain.admin_actions import AdminActionKind
from bot.domain.commands import Command, CommandText, parse_command_text, reads_as_words
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, Form, FormValues
from bot.ports.platform import Directory
from bot.services.admin import AdminService
from bot.services.admin_trail import AdminTrailPages
from bot.services.assignments import AssignmentService
from bot.services.checkins import CheckinCards
from bot.services.debrief_stats import DebriefStatsService
from bot.services.debriefs import DebriefService
from bot.services.errors import BotError
from bot.services.form_context import FormSeals, Opened
from bot.services.help import HelpService
from bot.services.holidays import HolidayService
from bot.services.personal_data import PersonalDataService
from bot.services.placement_prompts import PlacementPrompts
from bot.services.placements import PlacementService
from bot.services.posting import PostingService
from bot.services.pulses import PulseService
from bot.services.schedule_rights import ScheduleRights
from bot.services.schedules import ScheduleService
from bot.services.summaries import SummaryService
from bot.services.volunteers import VolunteerService


@dataclass(frozen=True)
class Where:
    """Who acted, where: `team` is the team conversation, None in a private chat."""

    workspace: WorkspaceRef
    person: str
    team: str | None


@dataclass(frozen=True)
class Notice:
    """A message shown on top of an open form (the crisis resources)."""

    title: str
    close: str
    card: Card


@dataclass(frozen=True)
class Outcome:
    """What the adapter shows; `then` is slow work to run once the person has an answer."""

    reply: tuple[Card, ...] = ()  # only the person who acted sees these
    replace: bool = False  # the reply takes the place of the message that was clicked
    public: Card | None = None  # everyone in the conversation sees this
    form: Form | None = None
    notice: Notice | None = None
    refresh_home: bool = False
    then: Callable[[], Awaitable[None]] | None = None


# What the admin record calls each change to a schedule (AdminTrailPages.note_schedules).
_SCHEDULE_KINDS = {
    Action.SCHEDULE_PAUSE: AdminActionKind.SCHEDULE_PAUSE,
    Action.SCHEDULE_RESUME: AdminActionKind.SCHEDULE_RESUME,
    Action.SCHEDULE_DELETE: AdminActionKind.SCHEDULE_DELETE,
}


def _private(*cards: Card, replace: bool = False) -> Outcome:
    return Outcome(reply=cards, replace=replace)


# The words each command knows; anything else gets the command's help.
_WORDS = {
    Command.CHECKIN: frozenset({"now", "schedule", "list", "pause", "resume"}),
    Command.PULSE: frozenset({"", "audit", "export", "chart"}),
    Command.DEBRIEF: frozenset({"", "volunteer", "away", "available", "stop", "peers", "stats"}),
    Command.PLACEMENT: frozenset({"", "stop", "help"}),
    Command.WELLSPRING: frozenset(
        {"my", "erase", "remove", "holidays", "admin", "assign", "unassign"}  # "my data"
    ),
}


def command_words(command: Command) -> frozenset[str]:
    """The words `command` knows (an adapter's command list must stay within them)."""
    return _WORDS[command]


class Dispatcher:
    def __init__(
        self,
        help: HelpService,
        cards: CheckinCards,
        schedules: ScheduleService,
        posting: PostingService,
        pulses: PulseService,
        summaries: SummaryService,
        debriefs: DebriefService,
        volunteers: VolunteerService,
        debrief_stats: DebriefStatsService,
        directory: Directory,
        placements: PlacementService,
        placement_prompts: PlacementPrompts,
        personal: PersonalDataService,
        rights: ScheduleRights,
        holidays: HolidayService,
        admin: AdminService,
        assignments: AssignmentService,
        trail: AdminTrailPages,
        seals: FormSeals,
    ) -> None:
        self._help, self._cards, self._schedules = help, cards, schedules
        self._posting, self._pulses, self._summaries = posting, pulses, summaries
        self._debriefs, self._volunteers, self._stats = debriefs, volunteers, debrief_stats
        self._directory = directory
        self._placements, self._placement_prompts = placements, placement_prompts
        self._personal = personal
        self._rights = rights
        self._holidays = holidays
        self._admin = admin
        self._assignments = assignments
        self._trail = trail
        self._seals = seals

    async def command(self, where: Where, command: Command, text: str) -> Outcome:
        typed = parse_command_text(text)
        if reads_as_words(typed, _WORDS[command]):
            # Words, not a subcommand: answered like a message, the crisis line first.
            return _private(self._help.answer_message())
        if typed.word not in _WORDS[command]:
            return _private(self._help.show_help(command, typed))
        try:
            if command is Command.CHECKIN:
                outcome = await self._checkin(where, typed)
            elif command is Command.PULSE:
                outcome = await self._pulse(where, typed)
            elif command is Command.PLACEMENT:
                outcome = await self._placement(where, typed)
            elif command is Command.WELLSPRING:
                outcome = await self._wellspring(where, typed)
            else:
                outcome = await self._debrief(where, typed)
        except BotError as error:
            return _private(self._help.explain(error))
        return self._sealed(where, outcome, where.team)

    async def action(self, where: Where, action: Action, value: str) -> Outcome:
        try:
            outcome = await self._action(where, action, value)
        except BotError as error:
            return _private(self._help.explain(error))
        return self._sealed(where, outcome, where.team)

    async def submit(
        self, where: Where, form_id: FormId, sealed: str, values: FormValues
    ) -> Outcome:
        """A submitted form, its sealed context checked first (see form_context); raises
        FieldErrors for the form to show beside its fields."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
            return await self._submit(where, form_id, opened.context, values)
        except BotError as error:
            return _private(self._help.explain(error))

    async def reopen(self, where: Where, form_id: FormId, sealed: str) -> Outcome:
        """A form shown again (a Teams dialog from its opener card, the form read back on
        submit): its context checked, then sealed anew; a private refusal otherwise."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
            form = await self._form(where, form_id, opened.context)
        except BotError as error:
            return _private(self._help.explain(error))
        return self._sealed(where, Outcome(form=form), opened.team)

    def opened_in(self, where: Where, form_id: FormId, sealed: str) -> str | None:
        """The team conversation a form about that team was opened in, where its answers go;
        None for any other form, or a context that isn't what was sealed."""
        try:
            opened = self._seals.open(form_id, where.workspace, where.person, sealed)
        except BotError:
            return None
        return opened.team if opened.team and opened.context == opened.team else None

    def _sealed(self, where: Where, outcome: Outcome, team: str | None) -> Outcome:
        """The outcome's form, if any, with its context sealed for this person (and `team`,
        where it was first opened)."""
        form = outcome.form
        if form is None:
            return outcome
        opened = Opened(form.context, team)
        sealed = self._seals.seal(form.form_id, where.workspace, where.person, opened)
        return replace(outcome, form=replace(form, context=sealed))

    async def _submit(
        self, where: Where, form_id: FormId, context: str, values: FormValues
    ) -> Outcome:
        workspace, person = where.workspace, where.person
        if form_id is FormId.SCHEDULE:
            await self._rights.check_member(workspace, person, context)
            card = await self._schedules.create_schedule(workspace, person, context, values)
            return _private(card)
        if form_id is FormId.PERSONAL:
            await self._schedules.create_personal(workspace, person, values)
            return Outcome(refresh_home=True)
        if form_id is FormId.VOLUNTEER:
            return _private(await self._volunteers.sign_up(workspace, person, values))
        if form_id is FormId.PLACEMENT:
            card, ask = await self._placements.register(workspace, person, values)
            return Outcome(reply=(card,), then=ask)
        if form_id is FormId.SCHEDULE_COPY:
            return _private(await self._admin.copy_to_chosen(workspace, person, context, values))
        if form_id is FormId.PLACEMENT_SHARE:
            # The words go out once, through `then`; nothing here keeps or logs them.
            return Outcome(then=await self._placements.prepare_share(workspace, person, values))
        request_id = await self._debriefs.submit(workspace, person, values)
        return Outcome(then=lambda: self._debriefs.start(request_id))

    async def _form(self, where: Where, form_id: FormId, context: str) -> Form:
        """A form by its id, filled with the person's time zone where it asks for one; the
        checks its command made before opening it, made again."""
        if form_id is FormId.DEBRIEF:
            return self._debriefs.cards.request_form()
        if form_id is FormId.PLACEMENT_SHARE:
            return self._placements.cards.share_form()
        if form_id is FormId.SCHEDULE_COPY:
            return await self._admin.copy_form(where.workspace, where.person, context)
        if form_id is FormId.VOLUNTEER:
            await self._volunteers.check_roster(where.workspace, where.person)
        timezone = await self._directory.timezone_of(where.workspace, where.person)
        if form_id is FormId.SCHEDULE:
            return self._schedules.schedule_form(context, timezone)
        if form_id is FormId.PERSONAL:
            return self._schedules.personal_form(timezone)
        if form_id is FormId.PLACEMENT:
            return self._placements.cards.placement_form(timezone)
        return self._volunteers.volunteer_form(timezone)

    async def home(self, where: Where) -> list[Card]:
        """A person's own page: what Wellspring is, their reminders, a supervisor's teams."""
        personal = await self._schedules.personal_cards(where.workspace, where.person)
        dashboard = await self._summaries.dashboard(where.workspace, where.person)
        return [self._help.describe_home(), *personal, *dashboard]

    async def _checkin(self, where: Where, typed: CommandText) -> Outcome:
        if where.team is None:
            return _private(self._help.use_in_channel())
        workspace, team = where.workspace, where.team
        if typed.word == "schedule":
            return Outcome(form=await self._form(where, FormId.SCHEDULE, team))
        if typed.word == "list":
            return _private(*await self._schedules.list_schedules(workspace, team))
        if typed.word in ("pause", "resume"):
            paused = typed.word == "pause"
            found = await self._schedules.in_conversation(workspace, team)
            await self._rights.check(workspace, where.person, found)
            changed = await self._schedules.set_all_paused(workspace, team, paused)
            kind = AdminActionKind.SCHEDULE_PAUSE if paused else AdminActionKind.SCHEDULE_RESUME
            await self._trail.note_schedules(workspace, where.person, kind, found)
            return _private(changed)
        return _private(await self._posting.post_checkin_now(workspace, team))

    async def _pulse(self, where: Where, typed: CommandText) -> Outcome:
        workspace, person, summaries = where.workspace, where.person, self._summaries
        if typed.word == "audit" and typed.rest.lower() == "export":
            return _private(*await self._audit_export(workspace, person))
        if typed.word == "audit":
            return _private(await summaries.audit(workspace, person))
        if typed.word == "export":
            return _private(await summaries.export(workspace, person))
        if typed.word == "chart":
            return _private(await summaries.charts(workspace, person, where.team))
        if where.team is not None:
            return _private(await summaries.team_summary(workspace, person, where.team))
        overview = await summaries.overview(workspace, person)
        # Placements show as one count, never more (see PlacementPrompts.count_line).
        return _private(overview, *await self._placement_prompts.count_line(workspace, person))

    async def _audit_export(self, workspace: WorkspaceRef, person: str) -> list[Card]:
        """Supervisors get the looks at their teams' numbers; admins, the admin actions (an
        admin who is also a supervisor, both files)."""
        if not await self._trail.is_admin(workspace, person):
            return [await self._summaries.audit_export(workspace, person)]
        cards = [await self._trail.export(workspace, person)]
        if await self._summaries.is_supervisor(workspace, person):
            cards.append(await self._summaries.audit_export(workspace, person))
        return cards

    async def _debrief(self, where: Where, typed: CommandText) -> Outcome:
        workspace, person, volunteers = where.workspace, where.person, self._volunteers
        if typed.word == "":
            return Outcome(form=self._debriefs.cards.request_form())
        if typed.word == "volunteer":
            return Outcome(form=await self._form(where, FormId.VOLUNTEER, ""))
        if typed.word == "away":
            return _private(await volunteers.set_away(workspace, person, typed.rest))
        if typed.word == "available":
            return _private(await volunteers.set_available(workspace, person))
        if typed.word == "stop":
            return _private(await volunteers.stop(workspace, person))
        if typed.word == "peers":
            return _private(await volunteers.peers_now(workspace, person))
        return _private(await self._stats.monthly(workspace, person))

    async def _action(self, where: Where, action: Action, value: str) -> Outcome:
        workspace, person = where.workspace, where.person
        if action is Action.PULSE:
            # Nothing is logged here: the click's person and answer must never meet in a log.
            checkin_id, _, level = value.partition("|")
            return _private(await self._pulses.record(workspace, checkin_id, person, level))
        if action in (Action.PULSE_DEBRIEF, Action.DEBRIEF_AGAIN):
            return Outcome(form=self._debriefs.cards.request_form())
        if action is Action.PULSE_CHARTS:
            return _private(await self._summaries.charts(workspace, person, None))
        if action is Action.EXPLAIN_ANONYMITY:
            return _private(self._cards.explain_anonymity())
        if action in (Action.SCHEDULE_PAUSE, Action.SCHEDULE_RESUME, Action.SCHEDULE_DELETE):
            return await self._schedule_control(where, action, value)
        if action is Action.PERSONAL_ADD:
            return Outcome(form=await self._form(where, FormId.PERSONAL, ""))
        if action is Action.PERSONAL_REMOVE:
            await self._schedules.delete(workspace, value, owner=person)
            return Outcome(refresh_home=True)
        if action is Action.PLACEMENT_CONFIRM:
            return _private(await self._placements.confirm(workspace, person, value), replace=True)
        if action is Action.PLACEMENT_DECLINE:
            return _private(await self._placements.decline(workspace, person, value), replace=True)
        if action is Action.PLACEMENT_SHARE:
            return Outcome(form=self._placements.cards.share_form())
        if action is Action.PLACEMENT_STOP:
            return _private(await self._placements.stop_one(workspace, person, value), replace=True)
        if action is Action.PLACEMENT_KEEP:
            return _private(await self._placements.keep(workspace, person, value), replace=True)
        if action is Action.PERSONAL_DATA_DELETE:
            # Only ever the clicker's own data, whatever the button's value says.
            return _private(await self._personal.erase_own(workspace, person), replace=True)
        if action is Action.PEER_REMOVE:
            return _private(await self._volunteers.remove_peer(workspace, person, value))
        if action is Action.SCHEDULE_COPY_ALL:
            return _private(await self._admin.copy_to_every_team(workspace, person, value))
        if action is Action.SCHEDULE_COPY_SOME:
            return Outcome(form=await self._form(where, FormId.SCHEDULE_COPY, value))
        if action in (Action.PEER_APPROVE, Action.PEER_DECLINE):
            approve = action is Action.PEER_APPROVE
            decided = await self._volunteers.decide(workspace, person, value, approve)
            return _private(decided, replace=True)
        return await self._debrief_action(where, action, value)

    async def _placement(self, where: Where, typed: CommandText) -> Outcome:
        if typed.word == "stop":
            return _private(*await self._placements.stop(where.workspace, where.person))
        if typed.word == "help":
            return _private(self._help.show_help(Command.PLACEMENT, typed))
        return Outcome(form=await self._form(where, FormId.PLACEMENT, ""))

    async def _wellspring(self, where: Where, typed: CommandText) -> Outcome:
        """Private wherever it is typed: `my data`; `erase <person>`, `admin` and `assign`
        for admins; `remove <person>` (a peer) for those who run peer support."""
        workspace, person = where.workspace, where.person
        if typed.word == "erase":
            return _private(await self._personal.erase_for(workspace, person, typed.rest))
        if typed.word == "remove":
            return _private(await self._volunteers.remove_peer(workspace, person, typed.rest))
        if typed.word == "holidays":
            return _private(await self._holidays.holidays(workspace, person, typed.rest))
        if typed.word == "admin":
            return _private(*await self._admin.overview(workspace, person))
        if typed.word in ("assign", "unassign"):
            change = (
                self._assignments.assign if typed.word == "assign" else self._assignments.unassign
            )
            return _private(await change(workspace, person, where.team, typed.rest))
        if typed.rest.lower() != "data":
            return _private(self._help.show_help(Command.WELLSPRING, typed))
        return _private(await self._personal.describe(workspace, person))

    async def _schedule_control(self, where: Where, action: Action, value: str) -> Outcome:
        workspace = where.workspace
        schedule = await self._schedules.find(workspace, value)
        await self._rights.check(workspace, where.person, [schedule])
        if action is Action.SCHEDULE_DELETE:
            result = await self._schedules.delete(workspace, value)
        else:
            paused = action is Action.SCHEDULE_PAUSE
            result = await self._schedules.set_paused(workspace, value, paused)
        kind = _SCHEDULE_KINDS[action]
        await self._trail.note_schedules(workspace, where.person, kind, [schedule])
        listing = await self._schedules.list_schedules(workspace, where.team or "")
        return _private(result, *listing, replace=True)

    async def _debrief_action(self, where: Where, action: Action, value: str) -> Outcome:
        workspace, person, debriefs = where.workspace, where.person, self._debriefs
        if action is Action.DEBRIEF_NOT_SAFE:
            cards = debriefs.cards
            return Outcome(
                notice=Notice(cards.crisis_title(), cards.crisis_close(), cards.crisis())
            )
        if action is Action.DEBRIEF_ACCEPT:
            return _private(await debriefs.accept(workspace, value, person), replace=True)
        if action is Action.DEBRIEF_PASS:
            return _private(await debriefs.pass_offer(workspace, value, person), replace=True)
        if action is Action.DEBRIEF_CANCEL:
            return _private(await debriefs.cancel(workspace, value, person), replace=True)
        return Outcome(public=await debriefs.done(workspace, value, person))
