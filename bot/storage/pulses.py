"""SqlPulseRepository: answers as counters; SqlPulseViewLog: the audit log and digest claims."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import PulseLevel
from bot.domain.reports import PulseView, ViewKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware, insert_once
from bot.storage.tables import digest_runs, pulse_counts, pulse_participants, pulse_views


class SqlPulseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def mark_participant(self, checkin_id: str, markers: Sequence[str]) -> bool:
        known = (
            select(pulse_participants.c.marker)
            .where(pulse_participants.c.checkin_id == checkin_id)
            .where(pulse_participants.c.marker.in_(markers[1:]))
        )
        if markers[1:] and (await self._session.execute(known)).first() is not None:
            return False
        return await insert_once(
            self._session, pulse_participants, checkin_id=checkin_id, marker=markers[0]
        )

    async def count(self, checkin_id: str, level: PulseLevel) -> None:
        await self._session.execute(
            update(pulse_counts)
            .where(pulse_counts.c.checkin_id == checkin_id)
            .where(pulse_counts.c.level == level.value)
            .values(responses=pulse_counts.c.responses + 1)
        )


class SqlPulseViewLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.recorded: list[PulseView] = []  # this transaction's looks, shipped on commit

    async def record(self, *views: PulseView) -> None:
        if not views:
            return
        self.recorded.extend(views)
        # One statement for a look at many teams (executemany: a single round trip).
        await self._session.execute(
            pulse_views.insert(),
            [
                {
                    "id": view.id,
                    "workspace": view.workspace.key,
                    "viewer": view.viewer,
                    "team": view.team,
                    "kind": view.kind.value,
                    "viewed_at": view.viewed_at,
                }
                for view in views
            ],
        )

    async def recent(
        self, workspace: WorkspaceRef, teams: list[str], limit: int
    ) -> list[PulseView]:
        query = (
            select(pulse_views)
            .where(pulse_views.c.workspace == workspace.key)
            .where(pulse_views.c.team.in_(teams))
            .order_by(pulse_views.c.viewed_at.desc(), pulse_views.c.id)
            .limit(limit)
        )
        return [
            PulseView(
                row.id,
                WorkspaceRef.from_key(row.workspace),
                row.viewer,
                row.team,
                ViewKind(row.kind),
                aware(row.viewed_at),
            )
            for row in await self._session.execute(query)
        ]

    async def forget_before(self, cutoff: datetime) -> int:
        statement = delete(pulse_views).where(pulse_views.c.viewed_at < cutoff)
        return affected(await self._session.execute(statement))

    async def claim_digest(self, workspace: WorkspaceRef, supervisor: str, week: str) -> bool:
        return await insert_once(
            self._session, digest_runs, workspace=workspace.key, supervisor=supervisor, week=week
        )
