"""What supervisors may see: their teams' released numbers, each look written to the audit log."""

import asyncio
import logging
import uuid
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.config.allow_list import AllowList
from bot.domain.noise import Sampler, noisy_week
from bot.domain.periods import Month
from bot.domain.pulses import LEVELS, IsoWeek, Tally, last_weeks
from bot.domain.reports import (
    WORKSPACE_WIDE,
    PulseView,
    Report,
    State,
    ViewKind,
    WeekPeople,
    WeekSums,
    build_report,
    report_threshold,
    week_settled,
)
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action
from bot.outgoing.charts import render_weekly_trend
from bot.outgoing.messages import Attachment, Button, ButtonRow, Card, Paragraph
from bot.outgoing.spreadsheet import csv_bytes
from bot.ports.clock import Clock
from bot.ports.platform import ConversationUnavailable, Directory, Messenger, Roles
from bot.ports.timing import Wakeups
from bot.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from bot.services.errors import BotError
from bot.services.report_cards import ReportCards, level_label
from bot.services.team_access import TeamAccess
from prompts import Catalog

logger = logging.getLogger(__name__)

REPORT_WEEKS = 8
REPORT_MONTHS = 3  # settled months shown, before the current one
AUDIT_LINES = 20
AUDIT_EXPORT_LINES = 100_000  # the audit log's retention keeps it far below this
DIGEST_AT = time(9, 0)


class SummaryService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        directory: Directory,
        messenger: Messenger,
        roles: Roles,
        access: TeamAccess,
        minimum: int,
        window: timedelta,
        allowed: AllowList | None = None,
        noise: Sampler | None = None,
    ) -> None:
        self._uow = uow
        # PULSE_PRIVACY=dp: each settled week is released once with this noise.
        self._noise = noise
        self._access = access
        self._allowed = allowed or AllowList()  # the workspaces served (all when None)
        self._clock = clock
        self._catalog = catalog
        self._directory = directory
        self._messenger = messenger
        self._roles = roles
        self._minimum = minimum
        self._window = window

    def _cards(self, workspace: WorkspaceRef) -> ReportCards:
        """Report wording, naming this workspace's teams the way its platform does."""
        return ReportCards(
            self._catalog,
            self._minimum,
            partial(self._messenger.mention, workspace),
            approximate=self._noise is not None,
        )

    async def is_supervisor(self, workspace: WorkspaceRef, person: str) -> bool:
        return await self._roles.holds(workspace, person, Role.SUPERVISOR)

    async def team_summary(self, workspace: WorkspaceRef, person: str, team: str) -> Card:
        """`/pulse` in a team channel: that team only, for a supervisor who is in it."""
        await self._require_supervisor(workspace, person)
        await self._access.require(workspace, person, team)
        report = await self.report(workspace, person, [team], ViewKind.SUMMARY)
        return self._cards(workspace).team(report, team)

    async def overview(self, workspace: WorkspaceRef, person: str) -> Card:
        """`/pulse` elsewhere: every team the supervisor can see, and all of them together."""
        await self._require_supervisor(workspace, person)
        teams = await self._visible_teams(workspace, person)
        report = await self.report(workspace, person, teams, ViewKind.OVERVIEW)
        return self._cards(workspace).overview(report)

    async def dashboard(self, workspace: WorkspaceRef, person: str) -> list[Card]:
        """A supervisor's home page: their teams; nothing for anyone else."""
        if not await self.is_supervisor(workspace, person):
            return []
        teams = await self._visible_teams(workspace, person)
        report = await self.report(workspace, person, teams, ViewKind.HOME)
        overview = self._cards(workspace).overview(report, "summaries.home_title")
        if not report.teams:
            return [overview, self._cards(workspace).intro()]
        label = self._catalog.text("summaries.chart_button")
        charts = Card(text=label, parts=(ButtonRow((Button(label, Action.PULSE_CHARTS),)),))
        cards = self._cards(workspace)
        return [
            overview,
            *(cards.team(report, team) for team in report.teams),
            charts,
            cards.openers(),
            cards.intro(),
        ]

    async def export(self, workspace: WorkspaceRef, person: str) -> Card:
        """A CSV of the same released numbers, sent privately."""
        await self._require_supervisor(workspace, person)
        teams = await self._visible_teams(workspace, person)
        report = await self.report(workspace, person, teams, ViewKind.EXPORT)
        today = self._clock.now().date().isoformat()
        await self._messenger.send_file(
            workspace,
            person,
            Attachment(
                filename=f"wellspring-pulse-{today}.csv",
                content=self._cards(workspace).csv(report),
                title=self._catalog.text("summaries.export_title"),
                comment=self._catalog.text(
                    "summaries.extra.export_comment_about"
                    if self._noise
                    else "summaries.export_comment"
                ),
            ),
        )
        return Card.plain(self._catalog.text("summaries.export_sent"))

    async def charts(self, workspace: WorkspaceRef, person: str, team: str | None) -> Card:
        """The weekly trend as pictures, one per team, sent privately."""
        await self._require_supervisor(workspace, person)
        if team is None:
            teams = await self._visible_teams(workspace, person)
        else:
            await self._access.require(workspace, person, team)
            teams = [team]
        report = await self.report(workspace, person, teams, ViewKind.CHART)
        if not report.teams:
            return Card.plain(self._catalog.text("summaries.no_teams"))
        if team is not None and all(
            cell.state is State.EMPTY for _, cell in report.team_weeks(team)
        ):
            return Card.plain(self._catalog.text("summaries.none_yet"))
        for shown in report.teams:
            await self._send_chart(workspace, person, report, shown)
        return Card.plain(self._catalog.text("summaries.chart_sent"))

    async def audit(self, workspace: WorkspaceRef, person: str) -> Card:
        """Recent looks at the numbers of the teams this supervisor can see, and at the
        workspace's debrief numbers (which every supervisor there can see)."""
        await self._require_supervisor(workspace, person)
        teams = await self._visible_teams(workspace, person)
        async with self._uow() as uow:
            views = await uow.views.recent(workspace, [*teams, WORKSPACE_WIDE], AUDIT_LINES)
        title = self._catalog.text("summaries.audit_title")
        lines = [self._audit_line(view) for view in views] or [
            self._catalog.text("summaries.audit_empty")
        ]
        return Card(text=title, parts=(Paragraph(title), Paragraph("\n".join(lines))))

    async def audit_export(self, workspace: WorkspaceRef, person: str) -> Card:
        """`/pulse audit export`: the same looks as a CSV file, sent privately.

        Who looked, at which team, how and when: never a number that was seen.
        """
        await self._require_supervisor(workspace, person)
        teams = await self._visible_teams(workspace, person)
        async with self._uow() as uow:
            views = await uow.views.recent(workspace, [*teams, WORKSPACE_WIDE], AUDIT_EXPORT_LINES)
        names = {team: await self._directory.name_of(workspace, team) for team in teams}
        names[WORKSPACE_WIDE] = self._catalog.text("summaries.audit_csv_workspace")
        rows = [["viewed_at_utc", "viewer", "team", "team_name", "how"]]
        for view in views:
            when = view.viewed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            name = names.get(view.team, view.team)
            rows.append([when, view.viewer, view.team, name, view.kind.value])
        today = self._clock.now().date().isoformat()
        await self._messenger.send_file(
            workspace,
            person,
            Attachment(
                filename=f"wellspring-audit-{today}.csv",
                content=csv_bytes(rows),
                title=self._catalog.text("summaries.audit_csv_title"),
                comment=self._catalog.text("summaries.audit_csv_comment"),
            ),
        )
        return Card.plain(self._catalog.text("summaries.export_sent"))

    def _audit_line(self, view: PulseView) -> str:
        common = {
            "when": view.viewed_at.strftime("%a %d %b %H:%M UTC"),
            "viewer": self._messenger.mention_person(view.workspace, view.viewer),
            "how": self._catalog.text(f"summaries.how.{view.kind.value}"),
        }
        if view.team == WORKSPACE_WIDE:
            return self._catalog.text("summaries.audit_line_workspace", **common)
        team = self._messenger.mention(view.workspace, view.team)
        return self._catalog.text("summaries.audit_line", team=team, **common)

    async def digest(self, workspace: WorkspaceRef, person: str) -> Card | None:
        """The weekly summary for one supervisor, once per week.

        None if already sent, or if they are in none of this workspace's teams (with
        several workspaces, a supervisor is usually in only one).
        """
        week = last_weeks(self._clock.now(), 2)[0]
        if not await self.is_supervisor(workspace, person):
            return None
        teams = await self._visible_teams(workspace, person)
        if not teams:
            return None
        async with self._uow() as uow:
            first = await uow.views.claim_digest(workspace, person, week.label)
            await uow.commit()
        if not first:
            return None
        report = await self.report(workspace, person, teams, ViewKind.DIGEST)
        intro = self._catalog.text("summaries.digest_intro", period=week.label)
        overview = self._cards(workspace).overview(report, "summaries.digest_title")
        opener = self._cards(workspace).opener_of_the_week(week.week)
        card = Card(
            text=overview.text,
            parts=(overview.parts[0], Paragraph(intro), *overview.parts[1:], opener),
        )
        await self._messenger.send_direct(workspace, person, card)
        for team in report.teams:
            await self._send_chart(workspace, person, report, team)
        return card

    async def send_digest_to(self, person: str) -> None:
        """A supervisor's weekly summary, for every workspace with check-ins."""
        async with self._uow() as uow:
            found = await uow.checkins.workspaces()
        for workspace in self._allowed.serving("digests", found, lambda w: w):
            try:
                await self.digest(workspace, person)
            except Exception:
                logger.exception("a weekly digest could not be sent")

    async def plan_digests(self, wakeups: Wakeups) -> None:
        """Monday 09:00 in each supervisor's time zone; sent now if that was missed today."""
        async with self._uow() as uow:
            found = await uow.checkins.workspaces()
        workspaces = [workspace for workspace in found if self._allowed.allows(workspace)]
        if not workspaces:
            return  # nothing to summarise yet; the daily re-plan looks again
        supervisors: set[str] = set()
        for workspace in workspaces:
            supervisors |= await self._roles.holders(workspace, Role.SUPERVISOR)
        for person in sorted(supervisors):
            try:
                timezone = await self._timezone_of(workspaces, person)
            except Exception:
                logger.exception("a weekly digest could not be planned")
                continue
            wakeups.weekly(
                f"digest:{person}", "mon", DIGEST_AT, timezone, partial(self.send_digest_to, person)
            )
            local = self._clock.now().astimezone(ZoneInfo(timezone))
            if local.weekday() == 0 and local.time() >= DIGEST_AT:
                await self.send_digest_to(person)

    async def _timezone_of(self, workspaces: list[WorkspaceRef], person: str) -> str:
        """Asked of each workspace in turn: one may have removed the app."""
        for workspace in workspaces:
            try:
                return await self._directory.timezone_of(workspace, person)
            except ConversationUnavailable:
                continue
        raise ConversationUnavailable("not_installed")

    async def _send_chart(
        self, workspace: WorkspaceRef, person: str, report: Report, team: str
    ) -> None:
        name = self._messenger.mention(workspace, team)
        png = await asyncio.to_thread(
            render_weekly_trend,
            self._catalog.text(
                "summaries.chart_title", team=await self._directory.name_of(workspace, team)
            ),
            self._cards(workspace).bars(report, team),
            [level_label(self._catalog, level) for level in LEVELS],
            self._catalog.text("summaries.chart_hidden"),
            self._catalog.text("summaries.chart_axis"),
        )
        attachment = Attachment(
            filename=f"wellspring-trend-{team}.png",
            content=png,
            title=self._catalog.text("summaries.chart_title", team=name),
            comment=self._catalog.text("summaries.chart_comment", team=name),
            alt=self._cards(workspace).chart_alt(report, team),
        )
        await self._messenger.send_file(workspace, person, attachment)

    async def report(
        self, workspace: WorkspaceRef, person: str, teams: list[str], kind: ViewKind
    ) -> Report:
        """Released numbers for `teams`, which the person can see; the look is logged.

        Every team's weeks and months are released from that team's numbers alone, the
        same in every view and for every viewer, and the all-teams lines only add up what
        is shown (bot/domain/reports.py), so no view's numbers can be set against another's.
        """
        now = self._clock.now()
        weeks = last_weeks(now, REPORT_WEEKS)
        current = Month.of(weeks[-1])
        months = [current.previous()]
        while len(months) < REPORT_MONTHS:
            months.insert(0, months[0].previous())
        first = min(weeks[0], months[0].weeks[0])
        span = [week for week in last_weeks(now, 60) if week >= first]
        async with self._uow() as uow:
            at_least = report_threshold(self._minimum)
            sums = await uow.checkins.week_sums(workspace, teams, span, at_least)
            people = await uow.periods.people(workspace, teams, span)
            rests = await uow.periods.rests(workspace, teams, months)
            released = None
            if self._noise is not None:
                settled = now - self._window
                released = await self._releases(uow, workspace, sums, people, span, settled)
            await uow.views.record(
                *(
                    PulseView(str(uuid.uuid4()), workspace, person, team, kind, now)
                    for team in teams
                )
            )
            await uow.commit()
        return build_report(
            sums, people, rests, teams, self._minimum, weeks, months, now - self._window, released
        )

    async def _releases(
        self,
        uow: UnitOfWork,
        workspace: WorkspaceRef,
        sums: list[WeekSums],
        people: list[WeekPeople],
        span: list[IsoWeek],
        settled_before: datetime,
    ) -> dict[tuple[str, IsoWeek], Tally]:
        """The noisy release of every settled week with check-ins: kept ones as they are,
        the others drawn now and kept (bot/domain/noise.py)."""
        assert self._noise is not None
        true = {(s.team, s.week): s.shown + s.hidden for s in sums}
        counted = {(p.team, p.week): p for p in people}
        teams = sorted({team for team, _ in [*true, *counted]})
        kept = await uow.noisy_weeks.releases(workspace, teams, span)
        due = [
            (team, week)
            for team, week in sorted({*true, *counted})
            if (team, week) not in kept
            and week_settled(week, counted.get((team, week)), settled_before)
        ]
        for team, week in due:
            checkins = await uow.noisy_weeks.checkins_in(workspace, team, week)
            release = noisy_week(true.get((team, week), Tally()), checkins, self._noise)
            await uow.noisy_weeks.keep(workspace, team, week, release)
        if not due:
            return kept
        return await uow.noisy_weeks.releases(workspace, teams, span)

    async def _visible_teams(self, workspace: WorkspaceRef, person: str) -> list[str]:
        async with self._uow() as uow:
            teams = await uow.checkins.teams(workspace)
        return await self._access.visible(workspace, person, teams)

    async def _require_supervisor(self, workspace: WorkspaceRef, person: str) -> None:
        if not await self.is_supervisor(workspace, person):
            raise BotError("pulse.refuse.not_supervisor")
