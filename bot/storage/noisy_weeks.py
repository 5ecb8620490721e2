"""SqlNoisyWeeks: each settled team week's noisy release (PULSE_PRIVACY=dp), kept once.

The first look after a week settled draws its noise and keeps it; a look at the same time
that lost the race reads the winner's row, so every look shows the same numbers.
"""

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.pulses import IsoWeek, Tally
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import insert_once
from bot.storage.tables import checkins, pulse_noisy_weeks


def _week(label: str) -> IsoWeek:
    year, week = label.split("-W")
    return IsoWeek(int(year), int(week))


class SqlNoisyWeeks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def releases(
        self, workspace: WorkspaceRef, teams: Sequence[str], weeks: Sequence[IsoWeek]
    ) -> dict[tuple[str, IsoWeek], Tally]:
        if not teams or not weeks:
            return {}
        rows = await self._session.execute(
            select(pulse_noisy_weeks.c.team, pulse_noisy_weeks.c.week, pulse_noisy_weeks.c.counts)
            .where(pulse_noisy_weeks.c.workspace == workspace.key)
            .where(pulse_noisy_weeks.c.team.in_(teams))
            .where(pulse_noisy_weeks.c.week.in_([week.label for week in weeks]))
        )
        return {
            (team, _week(week)): Tally(tuple(int(n) for n in counts.split(",")))
            for team, week, counts in rows.all()
        }

    async def checkins_in(self, workspace: WorkspaceRef, team: str, week: IsoWeek) -> int:
        """How many check-ins the team's week had (each answerable once by a person)."""
        found = await self._session.scalar(
            select(func.count())
            .select_from(checkins)
            .where(checkins.c.workspace == workspace.key)
            .where(checkins.c.conversation == team)
            .where(checkins.c.posted_at >= week.ends_at - timedelta(days=7))
            .where(checkins.c.posted_at < week.ends_at)
        )
        return int(found or 0)

    async def keep(self, workspace: WorkspaceRef, team: str, week: IsoWeek, release: Tally) -> None:
        """The week's release, unless one is kept already (that one stays)."""
        await insert_once(
            self._session,
            pulse_noisy_weeks,
            workspace=workspace.key,
            team=team,
            week=week.label,
            ends_at=week.ends_at,
            counts=",".join(map(str, release.counts)),
        )
