"""`/wellspring admin`: one private page for the agency's admins, and setting a schedule up
in many teams at once."""

from bot.domain.admin_actions import AdminActionKind
from bot.domain.debriefs import Volunteer
from bot.domain.roles import Role
from bot.domain.schedules import WEEKDAYS, Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import (
    Button,
    ButtonRow,
    Card,
    Choice,
    FieldErrors,
    FieldKind,
    Form,
    FormField,
    FormValues,
    Paragraph,
)
from bot.ports.platform import Directory, Messenger, Roles
from bot.ports.unit_of_work import UnitOfWorkFactory
from bot.services.admin_trail import AdminTrail, AdminTrailPages
from bot.services.errors import BotError
from bot.services.schedules import ScheduleService
from bot.services.team_access import TeamAccess
from prompts import Catalog


class AdminService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        catalog: Catalog,
        roles: Roles,
        directory: Directory,
        messenger: Messenger,
        schedules: ScheduleService,
        access: TeamAccess,
        trail: AdminTrail,
        pages: AdminTrailPages,
    ) -> None:
        self._uow, self._catalog, self._roles = uow, catalog, roles
        self._access, self._trail, self._pages = access, trail, pages
        self._directory, self._messenger, self._schedules = directory, messenger, schedules

    async def overview(self, workspace: WorkspaceRef, person: str) -> tuple[Card, ...]:
        """Every team's schedules and who can see its numbers, the peer roster, the holidays,
        and the recent admin actions."""
        await self._require_admin(workspace, person)
        t = self._catalog.text
        teams = await self._teams(workspace)
        async with self._uow() as uow:
            found = {team: await uow.schedules.for_conversation(workspace, team) for team in teams}
            volunteers = await uow.volunteers.all(workspace)
            days = await uow.holidays.days(workspace)
        supervisors = await self._roles.holders(workspace, Role.SUPERVISOR)
        cards = [Card.plain(t("admin.title"))]
        for team in teams:
            seeing = sorted(await self._access.seeing(workspace, team, supervisors))
            names = ", ".join(self._messenger.mention_person(workspace, p) for p in seeing)
            line = t(
                "admin.team",
                team=self._messenger.mention(workspace, team),
                count=str(len(found[team])),
                supervisors=names or t("admin.no_supervisor"),
            )
            cards.append(Card.plain(line))
            cards.extend(self._with_copy_button(s) for s in found[team])
        cards.append(self._roster(workspace, volunteers))
        listed = ", ".join(day.isoformat() for day in sorted(days)) or t("admin.no_holidays")
        cards.append(Card.plain(t("admin.holidays", days=listed)))
        cards.append(await self._pages.recent_card(workspace))
        return tuple(cards)

    async def copy_to_every_team(
        self, workspace: WorkspaceRef, person: str, schedule_id: str
    ) -> Card:
        """The same schedule in every other team."""
        await self._require_admin(workspace, person)
        return await self._copy(workspace, person, schedule_id, await self._teams(workspace))

    async def copy_form(self, workspace: WorkspaceRef, person: str, schedule_id: str) -> Form:
        """A form to choose the teams a schedule is set up in; every other team is ticked."""
        await self._require_admin(workspace, person)
        t = self._catalog.text
        schedule = await self._schedules.find(workspace, schedule_id)
        others = [team for team in await self._teams(workspace) if team != schedule.conversation]
        choices = tuple(
            [Choice(team, await self._directory.name_of(workspace, team)) for team in others]
        )
        field = FormField(
            "teams", t("admin.copy_field"), FieldKind.SOME_OF, choices, initial=tuple(others)
        )
        return Form(
            FormId.SCHEDULE_COPY,
            t("admin.copy_title"),
            t("admin.copy_submit"),
            t("schedules.modal_cancel"),
            (field,),
            context=schedule_id,
            intro=t("admin.copy_intro"),
        )

    async def copy_to_chosen(
        self, workspace: WorkspaceRef, person: str, schedule_id: str, values: FormValues
    ) -> Card:
        """The same schedule in the teams ticked on the copy form (only teams Wellspring
        knows: a forged value cannot reach another channel)."""
        await self._require_admin(workspace, person)
        chosen = values.get("teams") or ()
        chosen = (chosen,) if isinstance(chosen, str) else chosen
        teams = [team for team in await self._teams(workspace) if team in chosen]
        if not teams:
            raise FieldErrors({"teams": self._catalog.text("admin.copy_none")})
        return await self._copy(workspace, person, schedule_id, teams)

    async def _copy(
        self, workspace: WorkspaceRef, person: str, schedule_id: str, teams: list[str]
    ) -> Card:
        """A team that has the schedule already, or is at its limit, is skipped, so a second
        copy adds nothing."""
        schedule = await self._schedules.find(workspace, schedule_id)
        copied = full = 0
        for team in teams:
            existing = await self._schedules.in_conversation(workspace, team)
            if any(_same(s, schedule) for s in existing):
                continue
            try:
                await self._schedules.create_schedule(workspace, person, team, _values(schedule))
                copied += 1
            except FieldErrors:
                full += 1
        async with self._uow() as uow:
            await self._trail.note(uow, workspace, person, AdminActionKind.SCHEDULE_COPY,
                                   team=schedule.conversation)  # fmt: skip
            await uow.commit()
        return Card.plain(self._catalog.text("admin.copied", count=str(copied), full=str(full)))

    def _roster(self, workspace: WorkspaceRef, volunteers: list[Volunteer]) -> Card:
        t = self._catalog.text
        if not volunteers:
            return Card.plain(t("admin.no_peers"))
        lines, buttons = [], []
        for volunteer in volunteers:
            name = self._messenger.mention_person(workspace, volunteer.person)
            state = "admin.peer_ready" if volunteer.approved else "admin.peer_waiting"
            lines.append(t(state, peer=name))
            label = t("admin.remove_button", peer=name)
            buttons.append(Button(label, Action.PEER_REMOVE, volunteer.person))
        text = "\n".join([t("admin.peers_title"), *lines])
        return Card(text=text, parts=(Paragraph(text), ButtonRow(tuple(buttons))))

    def _with_copy_button(self, schedule: Schedule) -> Card:
        """A schedule's card from /checkin list, plus "set this up in every team" or in some."""
        card = self._schedules.card(schedule)
        *before, controls = card.parts
        t = self._catalog.text
        copies = (
            Button(t("admin.copy_button"), Action.SCHEDULE_COPY_ALL, schedule.id),
            Button(t("admin.copy_some_button"), Action.SCHEDULE_COPY_SOME, schedule.id),
        )
        if isinstance(controls, ButtonRow):
            return Card(card.text, (*before, ButtonRow((*controls.buttons, *copies))))
        return Card(card.text, (*card.parts, ButtonRow(copies)))

    async def _teams(self, workspace: WorkspaceRef) -> list[str]:
        """Channels with check-ins or schedules: the workspace's teams."""
        async with self._uow() as uow:
            teams = set(await uow.checkins.teams(workspace))
            teams |= set(await uow.schedules.conversations(workspace))
        return sorted(teams)

    async def _require_admin(self, workspace: WorkspaceRef, person: str) -> None:
        if not await self._roles.holds(workspace, person, Role.ADMIN):
            raise BotError("admin.refuse")


def _same(one: Schedule, other: Schedule) -> bool:
    return one.kind is other.kind and one.recurrence == other.recurrence


def _values(schedule: Schedule) -> FormValues:
    """A schedule as the form that made it, so a copy goes through the same checks."""
    r = schedule.recurrence
    return {
        "kind": schedule.kind.value,
        "days": tuple(WEEKDAYS[day] for day in sorted(r.days)),
        "time": r.at.strftime("%H:%M"),
        "timezone": r.timezone,
        "skip": ", ".join(day.isoformat() for day in sorted(r.skip_dates)),
    }
