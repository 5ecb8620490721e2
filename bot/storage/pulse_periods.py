"""SqlPulsePeriods: the distinct people of each team's weeks, counted with period markers.

A check-in's week gets its row when the check-in is posted; each counted click adds the
person's period marker for that week (bot/domain/periods.py). When a week is over and all
its check-ins are closed, its distinct people are counted into its row. When a month's
weeks have all settled, the distinct people of its hidden weeks together are kept
(pulse_month_rests) and the month's markers are deleted; the caller then has the eraser wipe
them from the files (`wipe_periods`).

A secret rotation: a person has one marker per secret, so people are counted only in a month
whose markers were all made under one secret, still configured. A click therefore writes
under the secret the team's month already uses, if it knows it; a process that does not
know it writes under its own, and the month falls back to the earlier rule (a week shows
only when each of its check-ins had enough answers or none). That holds whatever order a
rotation reaches the replicas in, and even for two clicks at the same moment.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import and_, delete, distinct, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import Checkin
from bot.domain.periods import Month
from bot.domain.pulses import IsoWeek
from bot.domain.reports import MonthRest, WeekPeople, hidden_weeks
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import aware, insert_once
from bot.storage.tables import (
    checkins,
    pulse_month_rests,
    pulse_noisy_weeks,
    pulse_period_markers,
    pulse_team_weeks,
)

WEEK = timedelta(days=7)


@cache
def period_marker_sql(offered: int, guard: str = "true") -> str:
    """Write one of `offered` period markers (`:p0`, `:k0`, ... newest first): under the
    first secret the team's month already uses, else the newest; only where `guard` holds.
    Its parameters: period_marker_params. One statement, or the body of a CTE."""
    ranked = " UNION ALL ".join(
        f"SELECT CAST(:p{n} AS varchar) AS marker, CAST(:k{n} AS varchar) AS key, {n} AS rank"
        for n in range(offered)
    )
    return (
        "INSERT INTO pulse_period_markers (marker, week, workspace, team, month, key)"
        " SELECT candidate.marker, CAST(:week AS varchar), CAST(:workspace AS varchar),"
        " CAST(:team AS varchar), CAST(:month AS varchar), candidate.key"
        # SQLite: an upsert's SELECT needs a WHERE to parse
        f" FROM ({ranked}) AS candidate WHERE {guard}"
        " ORDER BY EXISTS (SELECT 1 FROM pulse_period_markers AS seen"
        " WHERE seen.workspace = CAST(:workspace AS varchar)"
        " AND seen.team = CAST(:team AS varchar) AND seen.month = CAST(:month AS varchar)"
        " AND seen.key = candidate.key) DESC, candidate.rank LIMIT 1"
        " ON CONFLICT DO NOTHING"
    )


def period_marker_params(
    workspace: str, team: str, week: IsoWeek, markers: Sequence[str], keys: Sequence[str]
) -> dict[str, str]:
    params = {
        "week": week.label,
        "workspace": workspace,
        "team": team,
        "month": Month.of(week).label,
    }
    for n, (marker, key) in enumerate(zip(markers, keys, strict=True)):
        params[f"p{n}"], params[f"k{n}"] = marker, key
    return params


def _parse_week(label: str) -> IsoWeek:
    year, week = label.split("-W")
    return IsoWeek(int(year), int(week))


class SqlPulsePeriods:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open(self, checkin: Checkin) -> None:
        """The check-in's week, counted only if this is the team's first check-in in it
        (a week begun before the markers existed keeps the earlier rule)."""
        week = IsoWeek.of(checkin.posted_at)
        earlier = await self._session.scalar(
            select(func.count())
            .select_from(checkins)
            .where(checkins.c.workspace == checkin.workspace.key)
            .where(checkins.c.conversation == checkin.conversation)
            .where(checkins.c.posted_at >= week.ends_at - WEEK)
            .where(checkins.c.posted_at < week.ends_at)
            .where(checkins.c.id != checkin.id)
        )
        await insert_once(
            self._session,
            pulse_team_weeks,
            workspace=checkin.workspace.key,
            team=checkin.conversation,
            week=week.label,
            month=Month.of(week).label,
            ends_at=week.ends_at,
            counted=not earlier,
            people=None,
        )

    async def settle(self, now: datetime, minimum: int, keys: Sequence[str]) -> bool:
        """Count the people of every week that is over with all its check-ins closed; keep
        each settled month's remainder and delete its markers. True if any were deleted.

        `keys`: the secrets configured now (key_names). A week is counted only while its
        month's markers were all made under one of them: under two secrets one person may
        hold two markers (a rotation reaching replicas one by one, a dropped secret). Weeks
        counted before a second secret appeared hold only the first one's markers, so their
        counts, and the month's remainder over them, stay exact.
        """
        await self._settle_weeks(now, keys)
        return await self._settle_months(now, minimum)

    async def _settle_weeks(self, now: datetime, keys: Sequence[str]) -> None:
        due = await self._session.execute(
            select(pulse_team_weeks.c.workspace, pulse_team_weeks.c.team, pulse_team_weeks.c.week)
            .where(pulse_team_weeks.c.people.is_(None))
            .where(pulse_team_weeks.c.ends_at <= now)
        )
        for workspace, team, label in due.all():
            week = _parse_week(label)
            still_open = await self._session.scalar(
                select(func.count())
                .select_from(checkins)
                .where(checkins.c.workspace == workspace)
                .where(checkins.c.conversation == team)
                .where(checkins.c.closed.is_(False))
                .where(checkins.c.posted_at >= week.ends_at - WEEK)
                .where(checkins.c.posted_at < week.ends_at)
            )
            if still_open:
                continue
            people = await self._session.scalar(
                select(func.count())
                .select_from(pulse_period_markers)
                .where(pulse_period_markers.c.workspace == workspace)
                .where(pulse_period_markers.c.team == team)
                .where(pulse_period_markers.c.week == label)
            )
            used = await self._session.scalars(
                select(pulse_period_markers.c.key)
                .distinct()
                .where(pulse_period_markers.c.workspace == workspace)
                .where(pulse_period_markers.c.team == team)
                .where(pulse_period_markers.c.month == Month.of(week).label)
            )
            made_under = set(used.all())
            values: dict[str, object] = {"people": people}
            if len(made_under) > 1 or not made_under <= set(keys):
                values["counted"] = False
            await self._session.execute(
                update(pulse_team_weeks)
                .where(pulse_team_weeks.c.workspace == workspace)
                .where(pulse_team_weeks.c.team == team)
                .where(pulse_team_weeks.c.week == label)
                .values(**values)
            )

    async def _settle_months(self, now: datetime, minimum: int) -> bool:
        markers = pulse_period_markers.c
        open_months = await self._session.execute(
            select(markers.workspace, markers.team, markers.month).distinct()
        )
        deleted = False
        for workspace, team, label in open_months.all():
            month = Month.parse(label)
            if month.ends_at > now:
                continue
            rows = (
                await self._session.execute(
                    select(
                        pulse_team_weeks.c.week,
                        pulse_team_weeks.c.counted,
                        pulse_team_weeks.c.people,
                    )
                    .where(pulse_team_weeks.c.workspace == workspace)
                    .where(pulse_team_weeks.c.team == team)
                    .where(pulse_team_weeks.c.month == label)
                )
            ).all()
            if any(people is None for _, _, people in rows):
                continue  # a week still has a check-in open
            counted = {_parse_week(week): people for week, was, people in rows if was}
            hidden = sorted(hidden_weeks(counted, minimum))
            in_month = and_(
                markers.workspace == workspace, markers.team == team, markers.month == label
            )
            rest = await self._session.scalar(
                select(func.count(distinct(markers.marker)))
                .where(in_month)
                .where(markers.week.in_([week.label for week in hidden]))
            )
            await insert_once(
                self._session,
                pulse_month_rests,
                workspace=workspace,
                team=team,
                month=label,
                weeks=",".join(week.label for week in hidden),
                people=int(rest or 0),
            )
            await self._session.execute(delete(pulse_period_markers).where(in_month))
            deleted = True
        return deleted

    async def people(
        self, workspace: WorkspaceRef, teams: list[str], weeks: Sequence[IsoWeek]
    ) -> list[WeekPeople]:
        rows = await self._session.execute(
            select(
                pulse_team_weeks.c.team,
                pulse_team_weeks.c.week,
                pulse_team_weeks.c.counted,
                pulse_team_weeks.c.people,
            )
            .where(pulse_team_weeks.c.workspace == workspace.key)
            .where(pulse_team_weeks.c.team.in_(teams))
            .where(pulse_team_weeks.c.week.in_([week.label for week in weeks]))
        )
        return [
            WeekPeople(team, _parse_week(week), counted, people)
            for team, week, counted, people in rows.all()
        ]

    async def rests(
        self, workspace: WorkspaceRef, teams: list[str], months: Sequence[Month]
    ) -> list[MonthRest]:
        rows = await self._session.execute(
            select(
                pulse_month_rests.c.team,
                pulse_month_rests.c.month,
                pulse_month_rests.c.weeks,
                pulse_month_rests.c.people,
            )
            .where(pulse_month_rests.c.workspace == workspace.key)
            .where(pulse_month_rests.c.team.in_(teams))
            .where(pulse_month_rests.c.month.in_([month.label for month in months]))
        )
        return [
            MonthRest(
                team,
                Month.parse(month),
                frozenset(_parse_week(week) for week in weeks.split(",") if week),
                people,
            )
            for team, month, weeks, people in rows.all()
        ]

    async def forget_before(self, cutoff: datetime) -> None:
        """Weeks and months older than the retention (and their noisy releases), with the
        check-ins they counted."""
        await self._session.execute(
            delete(pulse_team_weeks).where(pulse_team_weeks.c.ends_at < cutoff)
        )
        await self._session.execute(
            delete(pulse_noisy_weeks).where(pulse_noisy_weeks.c.ends_at < cutoff)
        )
        oldest = Month.of(IsoWeek.of(aware(cutoff))).label
        await self._session.execute(
            delete(pulse_month_rests).where(pulse_month_rests.c.month < oldest)
        )
