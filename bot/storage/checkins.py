"""SqlCheckinRepository: posted check-ins, their windows and final counts (never who answered)."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import Checkin
from bot.domain.pulses import LEVELS, IsoWeek, Tally
from bot.domain.reports import WeekSums
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware
from bot.storage.pulse_periods import SqlPulsePeriods
from bot.storage.pulse_windows import drop_orphan_windows, pulse_windows
from bot.storage.tables import checkins, pulse_counts


class SqlCheckinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._windows = pulse_windows(session)

    async def add(self, checkin: Checkin) -> None:
        await self._session.execute(
            checkins.insert().values(
                id=checkin.id,
                workspace=checkin.workspace.key,
                conversation=checkin.conversation,
                posted_at=checkin.posted_at,
                closes_at=checkin.closes_at,
                closed=False,
            )
        )
        await self._windows.open(checkin.id)
        await SqlPulsePeriods(self._session).open(checkin)

    async def set_message(self, checkin_id: str, message_id: str) -> None:
        await self._session.execute(
            update(checkins).where(checkins.c.id == checkin_id).values(message_id=message_id)
        )

    async def discard_unposted(self, checkin_id: str) -> None:
        """Remove a check-in whose message never went out (nobody could have answered)."""
        removed = await self._session.execute(
            delete(checkins)
            .where(checkins.c.id == checkin_id)
            .where(checkins.c.message_id.is_(None))
        )
        if affected(removed):
            await self._windows.discard(checkin_id)

    async def get(self, checkin_id: str) -> Checkin | None:
        row = (
            await self._session.execute(select(checkins).where(checkins.c.id == checkin_id))
        ).first()
        return _from_row(row._mapping) if row else None

    async def due_to_close(self, now: datetime) -> list[Checkin]:
        query = (
            select(checkins)
            .where(checkins.c.closed.is_(False))
            .where(checkins.c.closes_at <= now)
            .order_by(checkins.c.closes_at)
        )
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def next_closing(self) -> datetime | None:
        query = select(func.min(checkins.c.closes_at)).where(checkins.c.closed.is_(False))
        value = (await self._session.execute(query)).scalar()
        return aware(value) if value else None

    async def close(self, checkin_id: str) -> bool:
        claimed = await self._session.execute(
            update(checkins)
            .where(checkins.c.id == checkin_id)
            .where(checkins.c.closed.is_(False))
            .values(closed=True)
        )
        if not affected(claimed):
            return False
        await self._windows.close(checkin_id)
        return True

    async def teams(self, workspace: WorkspaceRef) -> list[str]:
        # One index seek per team (a loose index scan), rather than reading every
        # check-in's index entry: a workspace keeps years of check-ins per team.
        in_workspace = checkins.c.workspace == workspace.key
        found = (
            select(func.min(checkins.c.conversation).label("team"))
            .where(in_workspace)
            .cte("found", recursive=True)
        )
        following = (
            select(func.min(checkins.c.conversation))
            .where(in_workspace)
            .where(checkins.c.conversation > found.c.team)
            .scalar_subquery()
        )
        found = found.union_all(select(following).where(found.c.team.is_not(None)))
        query = select(found.c.team).where(found.c.team.is_not(None)).order_by(found.c.team)
        return list((await self._session.execute(query)).scalars())

    async def workspaces(self) -> list[WorkspaceRef]:
        query = select(checkins.c.workspace).distinct().order_by(checkins.c.workspace)
        return [
            WorkspaceRef.from_key(key) for key in (await self._session.execute(query)).scalars()
        ]

    async def week_sums(
        self, workspace: WorkspaceRef, teams: list[str], weeks: list[IsoWeek], at_least: int
    ) -> list[WeekSums]:
        if not weeks:
            return []
        week = case(
            *((checkins.c.posted_at < end, index) for index, end in enumerate(_ends(weeks)))
        ).label("week")
        # Each check-in's four counts side by side first (grouped, so worked out once).
        level_sums = (
            func.sum(
                case((pulse_counts.c.level == level.value, pulse_counts.c.responses), else_=0)
            ).label(level.value)
            for level in LEVELS
        )
        one = (
            select(checkins.c.conversation.label("team"), week, *level_sums)
            .join(pulse_counts, pulse_counts.c.checkin_id == checkins.c.id)
            .where(_closed_of(workspace, teams))
            .where(checkins.c.posted_at >= _ends(weeks)[0] - timedelta(days=7))
            .where(checkins.c.posted_at < _ends(weeks)[-1])
            .group_by(checkins.c.id)
            .subquery()
        )
        counts = [one.c[level.value] for level in LEVELS]
        shown = sum(counts[1:], counts[0]) >= at_least
        query = select(
            one.c.team,
            one.c.week,
            *(func.sum(case((shown, count), else_=0)) for count in counts),
            *(func.sum(case((shown, 0), else_=count)) for count in counts),
        ).group_by(one.c.team, one.c.week)
        return [
            WeekSums(team, weeks[index], Tally(tuple(found[:4])), Tally(tuple(found[4:])))
            for team, index, *found in await self._session.execute(query)
        ]

    async def forget_before(self, cutoff: datetime) -> int:
        # Child rows go by ON DELETE CASCADE (SQLite runs with foreign keys on). Closed
        # windows have no tables left; any left by a check-in deleted otherwise go too.
        closed_old = checkins.c.closed.is_(True) & (checkins.c.posted_at < cutoff)
        forgotten = affected(await self._session.execute(delete(checkins).where(closed_old)))
        await drop_orphan_windows(await self._session.connection())
        return forgotten


def _closed_of(workspace: WorkspaceRef, teams: list[str]) -> ColumnElement[bool]:
    return and_(
        checkins.c.workspace == workspace.key,
        checkins.c.conversation.in_(teams),
        checkins.c.closed.is_(True),
    )


def _ends(weeks: list[IsoWeek]) -> list[datetime]:
    return [week.ends_at for week in weeks]


def _from_row(row: Any) -> Checkin:
    return Checkin(
        id=row["id"],
        workspace=WorkspaceRef.from_key(row["workspace"]),
        conversation=row["conversation"],
        posted_at=aware(row["posted_at"]),
        closes_at=aware(row["closes_at"]),
        message_id=row["message_id"],
        closed=row["closed"],
    )
