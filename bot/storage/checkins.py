"""SqlCheckinRepository: posted check-ins, their windows and final counts (never who answered)."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.pulses import Tally
from bot.domain.reports import ClosedCheckin
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware
from bot.storage.tables import checkins, pulse_counts, pulse_participants


class SqlCheckinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        # Every level's row exists from the start, so no row's existence or place
        # says anything about when, or in what order, answers came in.
        await self._session.execute(
            pulse_counts.insert(),
            [
                {"checkin_id": checkin.id, "level": level.value, "responses": 0}
                for level in PulseLevel
            ],
        )

    async def set_message(self, checkin_id: str, message_id: str) -> None:
        await self._session.execute(
            update(checkins).where(checkins.c.id == checkin_id).values(message_id=message_id)
        )

    async def discard_unposted(self, checkin_id: str) -> None:
        """Remove a check-in whose message never went out (nobody could have answered)."""
        await self._session.execute(
            delete(checkins)
            .where(checkins.c.id == checkin_id)
            .where(checkins.c.message_id.is_(None))
        )

    async def get(self, checkin_id: str) -> Checkin | None:
        row = (
            await self._session.execute(select(checkins).where(checkins.c.id == checkin_id))
        ).first()
        return _from_row(row._mapping) if row else None

    async def lock_open(self, checkin_id: str) -> bool:
        query = (
            select(checkins.c.id)
            .where(checkins.c.id == checkin_id)
            .where(checkins.c.closed.is_(False))
            .with_for_update()
        )
        return (await self._session.execute(query)).scalar() is not None

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
        await self._session.execute(
            delete(pulse_participants).where(pulse_participants.c.checkin_id == checkin_id)
        )
        return True

    async def teams(self, workspace: WorkspaceRef) -> list[str]:
        query = (
            select(checkins.c.conversation)
            .distinct()
            .where(checkins.c.workspace == workspace.key)
            .order_by(checkins.c.conversation)
        )
        return list((await self._session.execute(query)).scalars())

    async def workspaces(self) -> list[WorkspaceRef]:
        query = select(checkins.c.workspace).distinct().order_by(checkins.c.workspace)
        return [
            WorkspaceRef.from_key(key) for key in (await self._session.execute(query)).scalars()
        ]

    async def closed_since(
        self, workspace: WorkspaceRef, teams: list[str], since: datetime
    ) -> list[ClosedCheckin]:
        query = (
            select(checkins.c.id, checkins.c.conversation, checkins.c.posted_at)
            .where(checkins.c.workspace == workspace.key)
            .where(checkins.c.conversation.in_(teams))
            .where(checkins.c.closed.is_(True))
            .where(checkins.c.posted_at >= since)
            .order_by(checkins.c.posted_at, checkins.c.id)
        )
        found = list(await self._session.execute(query))
        ids = [row.id for row in found]
        counts: dict[str, dict[PulseLevel, int]] = defaultdict(dict)
        for checkin_id, level, responses in await self._session.execute(
            select(pulse_counts).where(pulse_counts.c.checkin_id.in_(ids))
        ):
            counts[checkin_id][PulseLevel(level)] = responses
        return [
            ClosedCheckin(row.id, row.conversation, aware(row.posted_at), Tally.of(counts[row.id]))
            for row in found
        ]

    async def forget_before(self, cutoff: datetime) -> int:
        # Child rows go by ON DELETE CASCADE (SQLite runs with foreign keys on).
        closed_old = checkins.c.closed.is_(True) & (checkins.c.posted_at < cutoff)
        return affected(await self._session.execute(delete(checkins).where(closed_old)))


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
