"""SqlScheduleRepository: schedules and their runs."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.schedules import ClaimedRun, Recurrence, RunStatus, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware, insert_once
from bot.storage.tables import schedule_runs, schedules


class SqlScheduleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # The schedules' own rows keep no exactly-once promise (mutation testing leaves them out;
    # docs/mutation-testing.md): the runs' claims and takeovers below do.
    # pragma: no mutate start
    async def add(self, schedule: Schedule) -> None:
        await self._session.execute(schedules.insert().values(**_to_row(schedule)))

    async def get(self, schedule_id: str) -> Schedule | None:
        row = (
            await self._session.execute(select(schedules).where(schedules.c.id == schedule_id))
        ).first()
        return _from_row(row._mapping) if row else None

    async def for_conversation(self, workspace: WorkspaceRef, conversation: str) -> list[Schedule]:
        query = (
            select(schedules)
            .where(schedules.c.workspace == workspace.key)
            .where(schedules.c.conversation == conversation)
            .order_by(schedules.c.created_at, schedules.c.id)
        )
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def personal_for(self, workspace: WorkspaceRef, owner: str) -> list[Schedule]:
        query = (
            select(schedules)
            .where(schedules.c.workspace == workspace.key)
            .where(schedules.c.owner == owner)
            .where(schedules.c.conversation.is_(None))
            .order_by(schedules.c.created_at, schedules.c.id)
        )
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def conversations(self, workspace: WorkspaceRef) -> list[str]:
        """Team conversations with a schedule (personal reminders have none)."""
        query = (
            select(schedules.c.conversation)
            .distinct()
            .where(schedules.c.workspace == workspace.key)
            .where(schedules.c.conversation.is_not(None))
        )
        return [str(c) for c in (await self._session.execute(query)).scalars()]

    async def active(self) -> list[Schedule]:
        query = select(schedules).where(schedules.c.paused.is_(False))
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def set_paused(self, schedule_id: str, paused: bool) -> bool:
        statement = update(schedules).where(schedules.c.id == schedule_id).values(paused=paused)
        return affected(await self._session.execute(statement)) > 0

    async def remove(self, schedule_id: str) -> bool:
        await self._session.execute(
            delete(schedule_runs).where(schedule_runs.c.schedule_id == schedule_id)
        )
        statement = delete(schedules).where(schedules.c.id == schedule_id)
        return affected(await self._session.execute(statement)) > 0

    async def last_fire_at(self, schedule_id: str) -> datetime | None:
        query = select(func.max(schedule_runs.c.fire_at)).where(
            schedule_runs.c.schedule_id == schedule_id
        )
        value = (await self._session.execute(query)).scalar()
        return aware(value) if value else None

    # pragma: no mutate end
    async def claim_run(
        self, schedule_id: str, fire_at: datetime, status: RunStatus, at: datetime
    ) -> bool:
        """Record a run; False when another replica (or an earlier try) already did."""
        return await insert_once(
            self._session,
            schedule_runs,
            schedule_id=schedule_id,
            fire_at=fire_at,
            status=status.value,
            claimed_at=at,
        )

    async def mark_sending(
        self, schedule_id: str, fire_at: datetime, checkin_id: str | None
    ) -> None:
        """The post is about to go out (for a check-in, this one)."""
        await self._session.execute(
            update(schedule_runs)
            .where(schedule_runs.c.schedule_id == schedule_id)
            .where(schedule_runs.c.fire_at == fire_at)
            .values(status=RunStatus.SENDING.value, checkin_id=checkin_id)
        )

    async def stale_claims(self, claimed_before: datetime) -> list[ClaimedRun]:
        """Runs claimed or sending since before `claimed_before`: their replica is gone."""
        unfinished = (RunStatus.CLAIMED.value, RunStatus.SENDING.value)
        query = (
            select(schedule_runs)
            .where(schedule_runs.c.status.in_(unfinished))
            .where(schedule_runs.c.claimed_at < claimed_before)
            .order_by(schedule_runs.c.claimed_at)
        )
        return [_claimed_from_row(row._mapping) for row in await self._session.execute(query)]

    async def take_over(self, run: ClaimedRun, at: datetime) -> bool:
        """Claim a stale run anew; False when another replica took it over first."""
        statement = (
            update(schedule_runs)
            .where(schedule_runs.c.schedule_id == run.schedule_id)
            .where(schedule_runs.c.fire_at == run.fire_at)
            .where(schedule_runs.c.status == run.status.value)
            .where(schedule_runs.c.claimed_at == run.claimed_at)
            .values(claimed_at=at)
        )
        return affected(await self._session.execute(statement)) == 1

    async def finish_run(self, schedule_id: str, fire_at: datetime, status: RunStatus) -> None:
        await self._session.execute(
            update(schedule_runs)
            .where(schedule_runs.c.schedule_id == schedule_id)
            .where(schedule_runs.c.fire_at == fire_at)
            .values(status=status.value)
        )

    # pragma: no mutate block
    async def runs(self, schedule_id: str) -> list[tuple[datetime, RunStatus]]:
        query = (
            select(schedule_runs.c.fire_at, schedule_runs.c.status)
            .where(schedule_runs.c.schedule_id == schedule_id)
            .order_by(schedule_runs.c.fire_at)
        )
        return [(aware(at), RunStatus(s)) for at, s in await self._session.execute(query)]


# pragma: no mutate start
def _to_row(schedule: Schedule) -> dict[str, Any]:
    recurrence = schedule.recurrence
    return {
        "id": schedule.id,
        "workspace": schedule.workspace.key,
        "conversation": schedule.conversation,
        "owner": schedule.owner,
        "kind": schedule.kind.value,
        "label": schedule.label,
        "days": ",".join(str(day) for day in sorted(recurrence.days)),
        "at": recurrence.at.strftime("%H:%M"),
        "timezone": recurrence.timezone,
        "skip_dates": ",".join(sorted(d.isoformat() for d in recurrence.skip_dates)),
        "paused": schedule.paused,
        "created_at": schedule.created_at,
    }


def _from_row(row: Any) -> Schedule:
    skips = frozenset(date.fromisoformat(d) for d in row["skip_dates"].split(",") if d)
    recurrence = Recurrence(
        days=frozenset(int(day) for day in row["days"].split(",")),
        at=time.fromisoformat(row["at"]),
        timezone=row["timezone"],
        skip_dates=skips,
    )
    return Schedule(
        id=row["id"],
        workspace=WorkspaceRef.from_key(row["workspace"]),
        kind=ScheduleKind(row["kind"]),
        recurrence=recurrence,
        owner=row["owner"],
        created_at=aware(row["created_at"]),
        conversation=row["conversation"],
        label=row["label"],
        paused=row["paused"],
    )


# pragma: no mutate end
def _claimed_from_row(row: Any) -> ClaimedRun:
    return ClaimedRun(
        schedule_id=row["schedule_id"],
        fire_at=aware(row["fire_at"]),
        status=RunStatus(row["status"]),
        claimed_at=aware(row["claimed_at"]),
        checkin_id=row["checkin_id"],
    )
