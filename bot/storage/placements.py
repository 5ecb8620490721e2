"""SqlPlacementRepository: placements and the weekly claims that send their prompts once."""

from datetime import date, time
from typing import Any

from sqlalchemy import RowMapping, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.placements import Placement
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, insert_once
from bot.storage.tables import placement_prompts, placements


class SqlPlacementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, placement: Placement) -> None:
        """Insert, or replace the student's placement in this workspace (one each)."""
        row = _to_row(placement)
        where = _of_student(placement.workspace, placement.student)
        changed = await self._session.execute(update(placements).where(where).values(**row))
        if not affected(changed):
            await self._session.execute(placements.insert().values(**row))

    async def get(self, placement_id: str) -> Placement | None:
        query = select(placements).where(placements.c.id == placement_id)
        row = (await self._session.execute(query)).first()
        return _from_row(row._mapping) if row else None

    async def of_student(self, workspace: WorkspaceRef, student: str) -> Placement | None:
        query = select(placements).where(_of_student(workspace, student))
        row = (await self._session.execute(query)).first()
        return _from_row(row._mapping) if row else None

    async def involving(self, workspace: WorkspaceRef, person: str) -> list[Placement]:
        """Placements where `person` is the student or the instructor."""
        query = (
            select(placements)
            .where(placements.c.workspace == workspace.key)
            .where(or_(placements.c.student == person, placements.c.instructor == person))
        )
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def confirmed_running(self, on: date) -> list[Placement]:
        """Confirmed placements whose dates reach `on` give or take a day (time zones)."""
        query = (
            select(placements)
            .where(placements.c.confirmed.is_(True))
            .where(placements.c.starts_on <= date.fromordinal(on.toordinal() + 1))
            .where(placements.c.ends_on >= date.fromordinal(on.toordinal() - 1))
        )
        return [_from_row(row._mapping) for row in await self._session.execute(query)]

    async def count_active(self, workspace: WorkspaceRef, on: date) -> int:
        query = (
            select(func.count())
            .select_from(placements)
            .where(placements.c.workspace == workspace.key)
            .where(placements.c.confirmed.is_(True))
            .where(placements.c.starts_on <= on)
            .where(placements.c.ends_on >= on)
        )
        return int((await self._session.execute(query)).scalar() or 0)

    async def confirm(self, placement_id: str) -> bool:
        statement = update(placements).where(placements.c.id == placement_id)
        return affected(await self._session.execute(statement.values(confirmed=True))) > 0

    async def remove(self, placement_id: str) -> bool:
        await self._session.execute(
            delete(placement_prompts).where(placement_prompts.c.placement_id == placement_id)
        )
        statement = delete(placements).where(placements.c.id == placement_id)
        return affected(await self._session.execute(statement)) > 0

    async def claim_week(self, placement_id: str, week: str) -> bool:
        return await insert_once(
            self._session, placement_prompts, placement_id=placement_id, week=week
        )

    async def forget_ended_before(self, cutoff: date) -> int:
        ended = select(placements.c.id).where(placements.c.ends_on < cutoff)
        await self._session.execute(
            delete(placement_prompts).where(placement_prompts.c.placement_id.in_(ended))
        )
        statement = delete(placements).where(placements.c.ends_on < cutoff)
        return affected(await self._session.execute(statement))


def _of_student(workspace: WorkspaceRef, student: str) -> Any:
    return (placements.c.workspace == workspace.key) & (placements.c.student == student)


def _to_row(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.id,
        "workspace": placement.workspace.key,
        "student": placement.student,
        "instructor": placement.instructor,
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
        "day": placement.day,
        "at": placement.at.strftime("%H:%M"),
        "timezone": placement.timezone,
        "confirmed": placement.confirmed,
    }


def _from_row(row: RowMapping) -> Placement:
    return Placement(
        id=row["id"],
        workspace=WorkspaceRef.from_key(row["workspace"]),
        student=row["student"],
        instructor=row["instructor"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        day=row["day"],
        at=time.fromisoformat(row["at"]),
        timezone=row["timezone"],
        confirmed=bool(row["confirmed"]),
    )
