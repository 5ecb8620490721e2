"""SqlVolunteerRepository: the peers who volunteered, their availability and recent load."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.debriefs import Availability, Volunteer
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware
from bot.storage.tables import debrief_requests, volunteers


class SqlVolunteerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, volunteer: Volunteer) -> None:
        """Sign up, or change the capacity and hours of someone already signed up."""
        a = volunteer.availability
        values = {
            "capacity": volunteer.capacity,
            "days": ",".join(str(day) for day in sorted(a.days)),
            "start": a.start.strftime("%H:%M") if a.start else None,
            "end": a.end.strftime("%H:%M") if a.end else None,
            "timezone": a.timezone,
        }
        key = _key(volunteer.workspace, volunteer.person)
        if not affected(await self._session.execute(update(volunteers).where(key).values(values))):
            await self._session.execute(
                volunteers.insert().values(
                    workspace=volunteer.workspace.key,
                    person=volunteer.person,
                    away=False,
                    approved=volunteer.approved,
                    **values,
                )
            )

    async def get(self, workspace: WorkspaceRef, person: str) -> Volunteer | None:
        row = (
            await self._session.execute(select(volunteers).where(_key(workspace, person)))
        ).first()
        return _volunteer(row._mapping) if row else None

    async def all(self, workspace: WorkspaceRef) -> list[Volunteer]:
        query = select(volunteers).where(volunteers.c.workspace == workspace.key)
        return [_volunteer(row._mapping) for row in await self._session.execute(query)]

    async def set_away(
        self, workspace: WorkspaceRef, person: str, away: bool, until: date | None
    ) -> bool:
        statement = update(volunteers).where(_key(workspace, person))
        return (
            affected(await self._session.execute(statement.values(away=away, away_until=until))) > 0
        )

    async def set_approved(self, workspace: WorkspaceRef, person: str) -> bool:
        statement = update(volunteers).where(_key(workspace, person)).values(approved=True)
        return affected(await self._session.execute(statement)) > 0

    async def remove(self, workspace: WorkspaceRef, person: str) -> bool:
        statement = delete(volunteers).where(_key(workspace, person))
        return affected(await self._session.execute(statement)) > 0

    async def offered(self, workspace: WorkspaceRef, person: str, at: datetime) -> None:
        statement = update(volunteers).where(_key(workspace, person)).values(last_offered_at=at)
        await self._session.execute(statement)

    async def load(self, workspace: WorkspaceRef, since: datetime) -> dict[str, int]:
        query = (
            select(debrief_requests.c.peer, func.count())
            .where(debrief_requests.c.workspace == workspace.key)
            .where(debrief_requests.c.peer.is_not(None))
            .where(debrief_requests.c.matched_at >= since)
            .group_by(debrief_requests.c.peer)
        )
        return {peer: count for peer, count in await self._session.execute(query)}


def _key(workspace: WorkspaceRef, person: str) -> Any:
    return (volunteers.c.workspace == workspace.key) & (volunteers.c.person == person)


def _volunteer(row: Any) -> Volunteer:
    return Volunteer(
        workspace=WorkspaceRef.from_key(row["workspace"]),
        person=row["person"],
        capacity=row["capacity"],
        availability=Availability(
            days=frozenset(int(day) for day in row["days"].split(",") if day),
            start=time.fromisoformat(row["start"]) if row["start"] else None,
            end=time.fromisoformat(row["end"]) if row["end"] else None,
            timezone=row["timezone"],
        ),
        away=row["away"],
        away_until=row["away_until"],
        last_offered_at=aware(row["last_offered_at"]) if row["last_offered_at"] else None,
        approved=row["approved"],
    )
