"""SqlPulseRepository: answers as counters (see pulse_windows); SqlPulseViewLog: audit, digests."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import PulseLevel
from bot.domain.reports import PulseView, ViewKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware, insert_once
from bot.storage.pulse_windows import pulse_windows
from bot.storage.tables import digest_runs, pulse_views


class SqlPulseRepository:
    """An open window's markers and counts, wherever the database keeps them."""

    def __init__(self, session: AsyncSession) -> None:
        self._windows = pulse_windows(session)

    async def mark_participant(self, checkin_id: str, markers: Sequence[str]) -> bool:
        return await self._windows.mark(checkin_id, markers)

    async def count(self, checkin_id: str, level: PulseLevel) -> None:
        await self._windows.count(checkin_id, level)


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
